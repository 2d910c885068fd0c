import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadDb } from '../../kernel/store.js';
import { countSealedUnder, sealedColumns, type SealedColumn } from './columns.js';
import type { CryptoService } from './commands.js';
import { decryptOnlyKeys } from './key-rows.js';
import { ACTIVE_KEY_TTL_MS, BLIND_INDEX_PURPOSE } from './keyring.js';
import type { CryptoTables } from './schema.js';

export interface RotationRun {
  /** Runs one command through the pipeline as the operator (each batch is its own audited command). */
  execute(name: string, input: Record<string, unknown>): Promise<unknown>;
  db: ReadDb<CryptoTables>;
  service: CryptoService;
  batchSize?: number;
  /** How long to wait before the last pass, so every instance seals under the new version. */
  graceMs?: number;
  onProgress?(purpose: string, done: number, total: number): void;
}

export interface PurposeRotation {
  purpose: string;
  version: number;
  reencrypted: number;
  retired: number;
  /** Old versions kept decrypt-only: append-only rows still use them. */
  kept: number;
}

/** The purposes whose shared key rotates: every one in use but the blind index's. */
export async function rotatablePurposes(db: ReadDb<CryptoTables>): Promise<string[]> {
  const rows = await db
    .selectFrom('crypto_keys')
    .select('purpose')
    .distinct()
    .where('subject', '=', '')
    .where('state', '=', 'active')
    .where('purpose', '!=', BLIND_INDEX_PURPOSE)
    .orderBy('purpose')
    .execute();
  return rows.map((r) => r.purpose);
}

/**
 * DEK rotation, online: version n+1 becomes active, n decrypt-only; every value under n is re-encrypted in
 * batches (one audited command each) while writers go on; after the grace period (every instance now seals
 * under n+1) passes repeat until one finds nothing, and n is retired unless append-only rows still use it.
 */
export async function rotateKeys(run: RotationRun, purposes?: string[]): Promise<PurposeRotation[]> {
  const reports: PurposeRotation[] = [];
  for (const purpose of purposes ?? (await rotatablePurposes(run.db))) reports.push(await rotatePurpose(run, purpose));
  return reports;
}

async function rotatePurpose(run: RotationRun, purpose: string): Promise<PurposeRotation> {
  const { version } = (await run.execute('crypto.keys.rotate-start', { purpose })) as { version: number };
  const columns = sealedColumns(run.service.catalog).filter((c) => c.purpose === purpose && !c.appendOnly);
  const old = (await decryptOnlyKeys(run.db, purpose)).map((k) => k.id);
  let total = 0;
  for (const column of columns) total += await countSealedUnder(run.db, column, old);
  const progress = { done: 0, total };
  const report = (n: number) => {
    progress.done += n;
    progress.total = Math.max(progress.total, progress.done);
    run.onProgress?.(purpose, progress.done, progress.total);
  };
  report(0);
  await pass(run, columns, report);
  await sleep(run.graceMs ?? 3 * ACTIVE_KEY_TTL_MS);
  while ((await pass(run, columns, report)) > 0) await sleep(ACTIVE_KEY_TTL_MS);
  const retired = (await run.execute('crypto.keys.retire', { purpose })) as { retired: number; kept: number };
  return { purpose, version, reencrypted: progress.done, ...retired };
}

/** One pass over every column: batches until each says there is no more. */
async function pass(run: RotationRun, columns: SealedColumn[], report: (n: number) => void): Promise<number> {
  let count = 0;
  for (const column of columns) {
    for (;;) {
      const input = { table: column.table, column: column.column, limit: run.batchSize ?? 500 };
      const batch = (await run.execute('crypto.keys.reencrypt', input)) as { reencrypted: number; more: boolean };
      count += batch.reencrypted;
      report(batch.reencrypted);
      if (!batch.more) break;
    }
  }
  return count;
}
