import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './db.js';
import type { ValueRow } from './batch-root.js';

/** Rows per statement: 6 parameters each stays far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_ROWS = 2048;
const COLUMNS = 6;

/**
 * The multi-row INSERT of `rows` rows, built with Kysely once per dialect adapter and size and then reused
 * with fresh parameters: building a 1,000-row INSERT tree cost more than running it. Sizes are powers of
 * two (a batch is cut into 2048s and then the binary digits of the rest), so at most 12 texts per dialect:
 * SQLite keeps every distinct text prepared in its statement cache, and 1,000-row chunks plus a remainder
 * of any size filled it with up to 256 statements of hundreds of rows (about 90 MB resident). Still
 * parameterised SQL: the values are only ever bound, never written into the text.
 */
const texts = new WeakMap<object, Map<number, string>>();

function statement(db: Kysely<Database>, rows: number): string {
  const adapter = db.getExecutor().adapter;
  let bySize = texts.get(adapter);
  if (!bySize) texts.set(adapter, (bySize = new Map<number, string>()));
  let text = bySize.get(rows);
  if (text === undefined || text === '') {
    const row = { batch_id: '', device_id: '', metric: '', ts: 0, value_num: 0, value_text: '' };
    const compiled = db
      .insertInto('ingest_values')
      .values(Array.from({ length: rows }, () => row))
      .compile();
    // The reuse below binds row after row in column order; refuse any other shape rather than misbind.
    if (compiled.parameters.length !== rows * COLUMNS) throw new Error('unexpected INSERT shape');
    bySize.set(rows, (text = compiled.sql));
  }
  return text;
}

/** The statement sizes that add up to `count`: whole 2048s, then the powers of two of the remainder. */
export function chunkSizes(count: number): number[] {
  const sizes: number[] = Array.from({ length: Math.floor(count / MAX_ROWS) }, () => MAX_ROWS);
  for (let size = MAX_ROWS / 2; size >= 1; size /= 2) if (((count % MAX_ROWS) & size) !== 0) sizes.push(size);
  return sizes;
}

/** Inserts a batch's rows into ingest_values in the caller's transaction. */
export async function insertValues(tx: Kysely<Database>, batchId: string, rows: readonly ValueRow[]): Promise<void> {
  let at = 0;
  for (const size of chunkSizes(rows.length)) {
    const parameters: unknown[] = new Array(size * COLUMNS);
    for (let i = 0, p = 0; i < size; i++) {
      const r = rows[at + i]!;
      parameters[p++] = batchId;
      parameters[p++] = r.deviceId;
      parameters[p++] = r.metric;
      parameters[p++] = r.ts;
      parameters[p++] = r.num;
      parameters[p++] = r.text;
    }
    await tx.executeQuery(CompiledQuery.raw(statement(tx, size), parameters));
    at += size;
  }
}
