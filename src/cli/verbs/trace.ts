import type { Command } from 'commander';
import { trace, traceCsv, type Trace } from '../../modules/genealogy/index.js';
import type { VerbContext } from '../context.js';
import { withStorage } from '../open.js';
import { table } from './users.js';

function printTrace(ctx: VerbContext, result: Trace): void {
  const rows = result.lots.map((l) => [
    l.number,
    l.material,
    String(l.depth),
    `${l.quantity} ${l.unit}`,
    l.state,
    l.order ?? '',
  ]);
  for (const line of table(['LOT', 'MATERIAL', 'DEPTH', 'QUANTITY', 'STATE', 'ORDER'], rows)) ctx.print(line);
  ctx.print(
    `${result.lots.length} lot(s), ${result.orders.length} work order(s) ${result.direction === 'forward' ? 'downstream of' : 'upstream of'} ${result.lot}`,
  );
}

/** `bastion trace backward|forward LOT`: what went into a lot, or where it went (the recall list). */
export function addTraceVerbs(program: Command, context: () => VerbContext): Command {
  const traceCommand = program.command('trace').description('Trace a lot through the genealogy');
  for (const direction of ['backward', 'forward'] as const) {
    traceCommand
      .command(direction)
      .description(
        direction === 'backward'
          ? 'Every lot that went into LOT'
          : 'Every lot and work order LOT went into (the recall list)',
      )
      .argument('<LOT>', 'lot number')
      .option('--json', 'print JSON')
      .option('--csv', 'print CSV')
      .action(async (lot: string, options: { json?: boolean; csv?: boolean }) => {
        const ctx = context();
        await ctx.authorize('genealogy.read');
        const result = await withStorage(ctx, (storage) => trace(storage.db, lot, direction));
        if (options.json) ctx.print(JSON.stringify(result, null, 2));
        else if (options.csv) ctx.io.stdout.write(traceCsv(result));
        else printTrace(ctx, result);
      });
  }
  return traceCommand;
}
