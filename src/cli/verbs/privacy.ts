import type { Command } from 'commander';
import type { Bastion } from '../../app/bastion.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { progressFor } from '../progress.js';
import { table } from './users.js';
import {
  batchRunner,
  disposalPass,
  disposalPreview,
  expiredCount,
  type DisposalLine,
} from '../../modules/privacy/index.js';

const report = (lines: DisposalLine[], heading: string) =>
  table(
    ['TABLE', 'RULE', heading],
    lines.map((line) => [line.table, line.rule, String(line.deleted)]),
  );

/** Disposes of what the retention rules no longer keep, batch by batch (each an audited command), with progress. */
async function dispose(ctx: VerbContext, bastion: Bastion): Promise<DisposalLine[]> {
  const { context, clock, config } = bastion;
  const total = await expiredCount(context.db, context.catalog, config.privacy.retention, clock.now());
  const progress = progressFor(ctx.io, 'disposing', 10_000, 'rows');
  let done = 0;
  const { commands } = context;
  const run = batchRunner(
    commands.execute.bind(commands),
    bastion.pipeline.get('privacy.dispose'),
    CONSOLE_ACTOR,
    CLI_ORIGIN,
  );
  try {
    const result = await disposalPass(run, {
      onBatch: (lines) =>
        progress.update((done += lines.reduce((sum, l) => sum + l.deleted, 0)), Math.max(total, done)),
    });
    return result.tables;
  } finally {
    progress.stop();
    // No server may be running to sign on its timer: sign this run's records now.
    await bastion.audit.checkpointNow();
  }
}

/** `bastion privacy dispose [--dry-run]`: the report per table; a dry run counts and writes nothing. */
export async function privacyDisposeVerb(ctx: VerbContext, options: { dryRun?: boolean }): Promise<void> {
  await withBastion(ctx, 'privacy.dispose', async (bastion) => {
    const { context, clock, config } = bastion;
    const lines = options.dryRun
      ? await disposalPreview(context.db, context.catalog, config.privacy.retention, clock.now())
      : await dispose(ctx, bastion);
    for (const line of report(lines, options.dryRun ? 'EXPIRED' : 'DISPOSED')) ctx.print(line);
    const sum = lines.reduce((s, l) => s + l.deleted, 0);
    ctx.print(
      options.dryRun ? `${sum} rows or accounts past retention (dry run: nothing disposed)` : `${sum} disposed`,
    );
  });
}

/** Adds `dispose` to the `privacy` verb group (the privacy module's other verbs live beside it). */
export function addPrivacyDisposeVerb(privacy: Command, context: () => VerbContext): void {
  privacy
    .command('dispose')
    .description('Dispose of data past its retention rule (privacy.retention), in audited batches')
    .option('--dry-run', 'count what has expired per table; dispose of nothing')
    .action(async (options: { dryRun?: boolean }) => privacyDisposeVerb(context(), options));
}
