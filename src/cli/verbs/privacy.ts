import type { Command } from 'commander';
import type { Bastion } from '../../app/bastion.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { progressFor } from '../progress.js';
import { table } from './users.js';

interface DisposalLine {
  table: string;
  rule: string;
  deleted: number;
}

/**
 * The retention functions of the privacy module, handed in by main.ts from src/modules/privacy/index.ts
 * (`{ batchRunner, disposalPass, disposalPreview }`): the CLI reaches a module only through its index.
 */
export interface DisposalApi {
  disposalPreview(
    db: Bastion['context']['db'],
    catalog: Bastion['context']['catalog'],
    retention: Bastion['config']['privacy']['retention'],
    now: number,
  ): Promise<DisposalLine[]>;
  batchRunner(
    execute: Bastion['context']['commands']['execute'],
    command: ReturnType<Bastion['pipeline']['get']>,
    actor: typeof CONSOLE_ACTOR,
    origin: typeof CLI_ORIGIN,
  ): (batchSize: number) => Promise<{ tables: DisposalLine[]; more: boolean }>;
  disposalPass(
    run: (batchSize: number) => Promise<{ tables: DisposalLine[]; more: boolean }>,
    options: { onBatch?: (lines: DisposalLine[]) => void },
  ): Promise<{ tables: DisposalLine[] }>;
}

const report = (lines: DisposalLine[], heading: string) =>
  table(
    ['TABLE', 'RULE', heading],
    lines.map((line) => [line.table, line.rule, String(line.deleted)]),
  );

/** Disposes of what the retention rules no longer keep, batch by batch (each an audited command), with progress. */
async function dispose(ctx: VerbContext, bastion: Bastion, api: DisposalApi): Promise<DisposalLine[]> {
  const { context, clock, config } = bastion;
  const total = (await api.disposalPreview(context.db, context.catalog, config.privacy.retention, clock.now())).reduce(
    (sum, line) => sum + line.deleted,
    0,
  );
  const progress = progressFor(ctx.io, 'disposing', 10_000, 'rows');
  let done = 0;
  const { commands } = context;
  const run = api.batchRunner(
    commands.execute.bind(commands),
    bastion.pipeline.get('privacy.dispose'),
    CONSOLE_ACTOR,
    CLI_ORIGIN,
  );
  try {
    const result = await api.disposalPass(run, {
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
export async function privacyDisposeVerb(
  ctx: VerbContext,
  api: DisposalApi,
  options: { dryRun?: boolean },
): Promise<void> {
  await withBastion(ctx, 'privacy.dispose', async (bastion) => {
    const { context, clock, config } = bastion;
    const lines = options.dryRun
      ? await api.disposalPreview(context.db, context.catalog, config.privacy.retention, clock.now())
      : await dispose(ctx, bastion, api);
    for (const line of report(lines, options.dryRun ? 'EXPIRED' : 'DISPOSED')) ctx.print(line);
    const sum = lines.reduce((s, l) => s + l.deleted, 0);
    ctx.print(
      options.dryRun ? `${sum} rows or accounts past retention (dry run: nothing disposed)` : `${sum} disposed`,
    );
  });
}

/** Adds `dispose` to the `privacy` verb group (the privacy module's other verbs live beside it). */
export function addPrivacyDisposeVerb(privacy: Command, context: () => VerbContext, api: DisposalApi): void {
  privacy
    .command('dispose')
    .description('Dispose of data past its retention rule (privacy.retention), in audited batches')
    .option('--dry-run', 'count what has expired per table; dispose of nothing')
    .action(async (options: { dryRun?: boolean }) => privacyDisposeVerb(context(), api, options));
}
