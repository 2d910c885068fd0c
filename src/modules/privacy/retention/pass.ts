import type { PrivacyConfig } from '../../../kernel/config/privacy.js';
import type { AnyCommand } from '../../../kernel/pipeline/types.js';
import type { Actor, Origin } from '../../../kernel/pipeline/types.js';
import type { DataCatalog } from '../../../kernel/privacy/catalog.js';
import type { ReadDb } from '../../../kernel/store.js';
import { countExpired } from './batches.js';
import { countLeavers } from './former-staff.js';
import { FORMER_STAFF, retentionTargets } from './targets.js';

export interface DisposalLine {
  table: string;
  rule: string;
  deleted: number;
}

interface BatchResult {
  tables: DisposalLine[];
  more: boolean;
}

/** How a pass runs one batch: the pipeline's execute, bound to the command and caller. */
export type RunBatch = (batchSize: number) => Promise<BatchResult>;

export function batchRunner(
  execute: (command: AnyCommand, input: unknown, actor: Actor, origin: Origin) => Promise<unknown>,
  command: AnyCommand,
  actor: Actor,
  origin: Origin,
): RunBatch {
  return async (batchSize) => (await execute(command, { batchSize }, actor, origin)) as BatchResult;
}

/**
 * One disposal pass: batches (each its own command, transaction and audit record) until none reports more,
 * so that a large backlog never holds one long transaction or lock. The report sums the batches per table.
 * `maxBatches` bounds a pass; what is left waits for the next one.
 */
export async function disposalPass(
  runBatch: RunBatch,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (lines: DisposalLine[]) => void } = {},
): Promise<{ tables: DisposalLine[]; batches: number; complete: boolean }> {
  const totals = new Map<string, DisposalLine>();
  let batches = 0;
  let more = true;
  while (more && batches < (options.maxBatches ?? 10_000)) {
    const result = await runBatch(options.batchSize ?? 1000);
    batches += 1;
    more = result.more;
    for (const line of result.tables) {
      const total = totals.get(line.table) ?? { ...line, deleted: 0 };
      total.deleted += line.deleted;
      totals.set(line.table, total);
    }
    options.onBatch?.(result.tables);
  }
  return { tables: [...totals.values()], batches, complete: !more };
}

/** What a pass would dispose of now, counted without a command or a write (`bastion privacy dispose --dry-run`). */
export async function disposalPreview(
  db: ReadDb,
  catalog: DataCatalog,
  retention: PrivacyConfig['retention'],
  now: number,
): Promise<DisposalLine[]> {
  const lines: DisposalLine[] = [];
  for (const target of retentionTargets(catalog, retention, now)) {
    const deleted = target.rule === FORMER_STAFF ? await countLeavers(db, target) : await countExpired(db, target);
    lines.push({ table: target.table, rule: target.rule, deleted });
  }
  return lines;
}

/** How many rows (or accounts) are past retention now, in all: whether a pass has anything to do. */
export async function expiredCount(
  db: ReadDb,
  catalog: DataCatalog,
  retention: PrivacyConfig['retention'],
  now: number,
): Promise<number> {
  return (await disposalPreview(db, catalog, retention, now)).reduce((sum, line) => sum + line.deleted, 0);
}
