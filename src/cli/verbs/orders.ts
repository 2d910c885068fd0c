import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import { AppError } from '../../kernel/errors.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';
import { withBastion } from '../open.js';
import { progressFor } from '../progress.js';

/** Orders per transaction: a batch is all or nothing, as `POST /api/orders/import` is (which takes up to 5000). */
export const IMPORT_BATCH = 500;

interface ImportResult {
  source: string;
  created: string[];
  unchanged: string[];
}

/** The file `POST /api/orders/import` takes: `{ "source": "SAP-PRD", "orders": [{ number, product, quantity, erpReference? }] }`. */
function readImportFile(ctx: VerbContext, file: string, sourceOption?: string): { source: string; orders: unknown[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(ctx.io.cwd, file), 'utf8'));
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      ExitCode.failure,
    );
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { source?: unknown; orders?: unknown };
  const source = sourceOption ?? body.source;
  if (typeof source !== 'string' || source === '')
    throw new CliError(`${file} names no "source" (the sending system); give one with --source`, ExitCode.failure);
  if (!Array.isArray(body.orders) || body.orders.length === 0)
    throw new CliError(`${file} holds no "orders" (a non-empty array)`, ExitCode.failure);
  // The server sees one batch at a time: a number that appears twice in the file is refused here, before any batch.
  // (A number that is no string is left to the command's validation, which names it.)
  const seen = new Set<string>();
  for (const order of body.orders as ({ number?: unknown } | null)[]) {
    const number = order?.number;
    if (typeof number !== 'string') continue;
    if (seen.has(number))
      throw new CliError(`${file}: order ${number} appears twice; nothing was imported`, ExitCode.failure);
    seen.add(number);
  }
  return { source, orders: body.orders };
}

/** A refusal, its positions (`/orders/N`) counted in the file rather than in the batch. */
function refusalOf(error: unknown, offset: number): string {
  const rebase = (text: string) => text.replace(/\/orders\/(\d+)/g, (_, i: string) => `/orders/${Number(i) + offset}`);
  if (!(error instanceof AppError)) return error instanceof Error ? error.message : String(error);
  const message = rebase(error.message);
  const field = error.fields?.[0];
  if (field === undefined || message.includes(rebase(field.path))) return message;
  return `${message} (${rebase(field.path)}: ${field.message})`;
}

/**
 * `bastion orders import FILE`: the ERP import of `POST /api/orders/import`, as the console, in batches of
 * IMPORT_BATCH with progress counts. Each batch is all or nothing and the import is idempotent, so after a
 * refusal the corrected file is simply sent again: what was created is then reported as unchanged.
 */
export async function importOrdersVerb(
  ctx: VerbContext,
  file: string,
  options: { source?: string; json?: boolean },
): Promise<void> {
  await ctx.authorize('production.orders.plan');
  const { source, orders } = readImportFile(ctx, file, options.source);
  const total: ImportResult = { source, created: [], unchanged: [] };
  await withBastion(ctx, 'production.orders.plan', async (bastion) => {
    const progress = progressFor(ctx.io, 'importing', IMPORT_BATCH);
    try {
      for (let offset = 0; offset < orders.length; offset += IMPORT_BATCH) {
        const batch = orders.slice(offset, offset + IMPORT_BATCH);
        let result: ImportResult;
        try {
          result = await bastion.pipeline.execute<ImportResult>(
            'production.order.import',
            { source, orders: batch },
            CONSOLE_ACTOR,
            CLI_ORIGIN,
          );
        } catch (error) {
          const before = `${total.created.length} created and ${total.unchanged.length} unchanged before`;
          throw new CliError(
            `orders ${offset + 1}–${offset + batch.length} of ${orders.length} refused, none of them imported ` +
              `(${before}; sending the corrected file again is safe): ${refusalOf(error, offset)}`,
            ExitCode.failure,
          );
        }
        total.created.push(...result.created);
        total.unchanged.push(...result.unchanged);
        progress.update(offset + batch.length, orders.length);
      }
    } finally {
      progress.stop();
      // No server may be running to sign on its timer: sign what this run wrote (and any refusal) now.
      await bastion.audit.checkpointNow();
    }
  });
  if (options.json === true) return ctx.print(JSON.stringify(total, null, 2));
  ctx.print(
    `Imported ${orders.length} order(s) from ${source}: ${total.created.length} created, ${total.unchanged.length} unchanged`,
  );
}

export function addOrderVerbs(program: Command, context: () => VerbContext): Command {
  const orders = program.command('orders').description('Work orders');
  orders
    .command('import')
    .description(
      `Import work orders from an ERP file (the JSON of POST /api/orders/import), ${IMPORT_BATCH} per all-or-nothing batch; safe to resend`,
    )
    .argument(
      '<FILE>',
      'JSON: { "source": "SAP-PRD", "orders": [{ "number", "product", "quantity", "erpReference" }] }',
    )
    .option('--source <system>', 'the sending system, when the file does not name it (or to override it)')
    .option('--json', 'print the created and unchanged order numbers as JSON')
    .action((file: string, options: { source?: string; json?: boolean }) => importOrdersVerb(context(), file, options));
  return orders;
}
