import { CompiledQuery, sql, type Kysely } from 'kysely';
import { newId } from '../../src/kernel/ids.js';
import { inTransaction, type Storage } from '../../src/storage/storage.js';
import type { Database } from '../../src/app/database.js';
import type { Logger } from 'pino';
import { METRICS, type BenchDevice } from './messages.js';

/** Rows per INSERT statement on SQLite: what fits its bound-parameter limit with room to spare. */
const CHUNK = 1000;
const COLUMNS = 5;

/** One multi-row INSERT text per row count, built with Kysely once and reused with fresh parameters. */
function statementFor(db: Kysely<Database>, rows: number, cache: Map<number, string>): string {
  let text = cache.get(rows);
  if (text === undefined) {
    const row = { batch: 0, series: 0, ts: 0, value_num: 0, value_text: null };
    const compiled = db
      .insertInto('ingest_points')
      .values(Array.from({ length: rows }, () => row))
      .compile();
    // Every value must be a bound parameter, in column order, for the reuse below to be right.
    if (compiled.parameters.length !== rows * COLUMNS) throw new Error('unexpected INSERT shape');
    text = compiled.sql;
    cache.set(rows, text);
  }
  return text;
}

/** The series ids Bastion gave the bench's metrics (they exist once Bastion has run), by device and metric. */
async function seriesIds(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ingest_series').select(['id', 'device_id', 'metric']).execute();
  return new Map(rows.map((r) => [`${r.device_id}\u0000${r.metric}`, Number(r.id)]));
}

/**
 * The database baseline: the same rows Bastion committed (same devices, metrics, timestamps and values),
 * into the same tables (a numbered batch, then its points keyed by series), in transactions of the same
 * size, with the fastest plain statement of each dialect (SQLite: multi-row INSERTs of up to 1,000 rows;
 * PostgreSQL: one INSERT ... SELECT FROM unnest of five arrays), and nothing else: no broker, no decoding,
 * no validation, no series lookup, no hashing, no audit record.
 */
export async function measureRawInserts(
  storage: Storage,
  logger: Logger,
  devices: (BenchDevice & { id: string })[],
  messagesPerDevice: number,
  rowsPerBatch: number,
): Promise<{ rows: number; ms: number; rowsPerSecond: number }> {
  const cache = new Map<number, string>();
  const series = await seriesIds(storage.db);
  const total = devices.length * messagesPerDevice * METRICS;
  const rowAt = (i: number): [number, number, number, null] => {
    const metric = i % METRICS;
    const message = Math.floor(i / METRICS);
    const device = devices[message % devices.length]!;
    const ts = 1_700_000_000_000 + message;
    const id = series.get(`${device.id}\u0000${device.device}/m${metric + 1}`);
    if (id === undefined) throw new Error(`no series for ${device.name} m${metric + 1}`);
    return [id, ts, 20 + metric + (message % 256) / 256, null];
  };
  const start = performance.now();
  for (let first = 0; first < total; first += rowsPerBatch) {
    const last = Math.min(total, first + rowsPerBatch);
    await inTransaction(storage, logger, async ({ tx }) => {
      const { id } = await tx
        .insertInto('ingest_batches')
        .values({ public_id: newId() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const batch = Number(id);
      if (storage.dialect === 'postgres') {
        const columns: [number[], number[], number[], null[]] = [[], [], [], []];
        for (let i = first; i < last; i++) rowAt(i).forEach((v, c) => (columns[c] as unknown[]).push(v));
        const [s, ts, num, text] = columns;
        await sql`insert into ingest_points (batch, series, ts, value_num, value_text)
          select ${batch}::bigint, * from unnest(${s}::bigint[], ${ts}::bigint[], ${num}::float8[], ${text}::text[])`.execute(
          tx,
        );
        return;
      }
      for (let at = first; at < last; at += CHUNK) {
        const count = Math.min(CHUNK, last - at);
        const parameters: unknown[] = [];
        for (let i = at; i < at + count; i++) parameters.push(batch, ...rowAt(i));
        await tx.executeQuery(CompiledQuery.raw(statementFor(tx, count, cache), parameters));
      }
    });
  }
  const ms = performance.now() - start;
  return { rows: total, ms, rowsPerSecond: total / (ms / 1000) };
}
