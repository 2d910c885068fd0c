import { CompiledQuery, type Kysely } from 'kysely';
import { newId } from '../../src/kernel/ids.js';
import { inTransaction, type Storage } from '../../src/storage/storage.js';
import type { Database } from '../../src/app/database.js';
import type { Logger } from 'pino';
import { METRICS, type BenchDevice } from './messages.js';

/** Rows per INSERT statement: what fits both dialects' bound-parameter limits with room to spare. */
const CHUNK = 1000;
const COLUMNS = 6;

/** One multi-row INSERT text per row count, built with Kysely once and reused with fresh parameters. */
function statementFor(db: Kysely<Database>, rows: number, cache: Map<number, string>): string {
  let text = cache.get(rows);
  if (text === undefined) {
    const row = { batch_id: '', device_id: '', metric: '', ts: 0, value_num: 0, value_text: null };
    const compiled = db
      .insertInto('ingest_values')
      .values(Array.from({ length: rows }, () => row))
      .compile();
    // Every value must be a bound parameter, in column order, for the reuse below to be right.
    if (compiled.parameters.length !== rows * COLUMNS) throw new Error('unexpected INSERT shape');
    text = compiled.sql;
    cache.set(rows, text);
  }
  return text;
}

/**
 * The database baseline: the same rows Bastion committed (same devices, metrics, timestamps and values),
 * into the same table, in transactions of the same size, as parameterised multi-row INSERTs of up to 1,000
 * rows, with nothing else: no broker, no decoding, no validation, no hashing, no audit record.
 */
export async function measureRawInserts(
  storage: Storage,
  logger: Logger,
  devices: (BenchDevice & { id: string })[],
  messagesPerDevice: number,
  rowsPerBatch: number,
): Promise<{ rows: number; ms: number; rowsPerSecond: number }> {
  const cache = new Map<number, string>();
  const total = devices.length * messagesPerDevice * METRICS;
  const rowAt = (i: number): unknown[] => {
    const metric = i % METRICS;
    const message = Math.floor(i / METRICS);
    const device = devices[message % devices.length]!;
    const ts = 1_700_000_000_000 + message;
    return [device.id, `${device.device}/m${metric + 1}`, ts, 20 + metric + (message % 256) / 256, null];
  };
  const start = performance.now();
  for (let first = 0; first < total; first += rowsPerBatch) {
    const last = Math.min(total, first + rowsPerBatch);
    await inTransaction(storage, logger, async ({ tx }) => {
      const batchId = newId();
      for (let at = first; at < last; at += CHUNK) {
        const count = Math.min(CHUNK, last - at);
        const parameters: unknown[] = [];
        for (let i = at; i < at + count; i++) parameters.push(batchId, ...rowAt(i));
        await tx.executeQuery(CompiledQuery.raw(statementFor(tx, count, cache), parameters));
      }
    });
  }
  const ms = performance.now() - start;
  return { rows: total, ms, rowsPerSecond: total / (ms / 1000) };
}
