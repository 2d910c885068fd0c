import { CompiledQuery, PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './db.js';
import type { ValueRow } from './batch-root.js';

/** Rows per statement on SQLite: 5 parameters each stays far under its 32,766. */
const MAX_ROWS = 2048;
const COLUMNS = 5;

/**
 * SQLite's multi-row INSERT of `rows` points, built with Kysely once per adapter and size and then reused
 * with fresh parameters: building a 1,000-row INSERT tree cost more than running it. Sizes are powers of
 * two (a batch is cut into 2048s and then the binary digits of the rest), so at most 12 texts: SQLite keeps
 * every distinct text prepared in its statement cache, and sizes of any count filled it with up to 256
 * statements of hundreds of rows (about 90 MB resident). Still parameterised: values are only ever bound.
 */
const texts = new WeakMap<object, Map<number, string>>();

function statement(db: Kysely<Database>, rows: number): string {
  const adapter = db.getExecutor().adapter;
  let bySize = texts.get(adapter);
  if (!bySize) texts.set(adapter, (bySize = new Map<number, string>()));
  let text = bySize.get(rows);
  if (text === undefined || text === '') {
    const row = { batch: 0, series: 0, ts: 0, value_num: 0, value_text: '' };
    const compiled = db
      .insertInto('ingest_points')
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

const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** Parameters per lookup or insert of series: well under either dialect's limit. */
const SERIES_CHUNK = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** Series ids by device, then metric: two lookups per row instead of building a joined key for each. */
type SeriesIds = Map<string, Map<string, number>>;

function remember(ids: SeriesIds, deviceId: string, metric: string, id: number): void {
  let metrics = ids.get(deviceId);
  if (!metrics) ids.set(deviceId, (metrics = new Map<string, number>()));
  metrics.set(metric, id);
}

/**
 * The series id of every row, in row order: looked up for the batch's (device, metric) pairs, the missing
 * ones numbered in the same transaction (so they commit, or vanish, with the points that use them). Looked
 * up per batch rather than cached across batches: a cache would outlive a rolled-back batch's new series.
 */
export async function seriesOf(tx: Kysely<Database>, rows: readonly ValueRow[]): Promise<number[]> {
  const wanted = new Map<string, Set<string>>();
  for (const r of rows) {
    let metrics = wanted.get(r.deviceId);
    if (!metrics) wanted.set(r.deviceId, (metrics = new Set<string>()));
    metrics.add(r.metric);
  }
  const ids: SeriesIds = new Map();
  const metrics = [...new Set([...wanted.values()].flatMap((m) => [...m]))];
  for (const someDevices of chunks([...wanted.keys()], SERIES_CHUNK))
    for (const someMetrics of chunks(metrics, SERIES_CHUNK)) {
      const found = await tx
        .selectFrom('ingest_series')
        .select(['id', 'device_id', 'metric'])
        .where('device_id', 'in', someDevices)
        .where('metric', 'in', someMetrics)
        .execute();
      for (const s of found) remember(ids, s.device_id, s.metric, Number(s.id));
    }
  const missing = [...wanted].flatMap(([deviceId, names]) =>
    [...names].filter((metric) => ids.get(deviceId)?.get(metric) === undefined).map((metric) => ({ deviceId, metric })),
  );
  for (const some of chunks(missing, SERIES_CHUNK)) {
    const made = await tx
      .insertInto('ingest_series')
      .values(some.map((s) => ({ device_id: s.deviceId, metric: s.metric })))
      .returning(['id', 'device_id', 'metric'])
      .execute();
    for (const s of made) remember(ids, s.device_id, s.metric, Number(s.id));
  }
  const out = new Array<number>(rows.length);
  let lastDevice: string | undefined;
  let byMetric: Map<string, number> | undefined;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    // A message's rows are contiguous: the device's map is looked up once per run of rows.
    if (r.deviceId !== lastDevice) [lastDevice, byMetric] = [r.deviceId, ids.get(r.deviceId)];
    out[i] = byMetric!.get(r.metric)!;
  }
  return out;
}

/** Numbers a batch (its points refer to the number; its public ID stays the UUID of its audit record). */
export async function insertBatch(tx: Kysely<Database>, publicId: string): Promise<number> {
  const { id } = await tx
    .insertInto('ingest_batches')
    .values({ public_id: publicId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(id);
}

/** A PostgreSQL array literal's element, quoted and escaped as node-postgres quotes one (pg/lib/utils.js). */
const element = (text: string) => `"${text.replace(/(\\|")/g, '\\$1')}"`;

/**
 * A column as the text of a PostgreSQL array literal, still sent as a bound parameter (PostgreSQL parses it
 * as it parses the literal node-postgres would write). node-postgres builds that literal with one `+=` per
 * element, each element converted, run through a regular expression and quoted: for a 6,000-row batch that
 * was about 30 ms of main-thread time and 3.3 MB of strings held while the statement is in flight; join()
 * writes a column of numbers in one go (2-4 ms, 1.1 MB).
 */
function arrayLiteral(values: readonly (number | string | null)[], anyNull: boolean, anyText: boolean): string {
  if (!anyNull && !anyText) return `{${values.join(',')}}`;
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? element(v) : v)).join(',')}}`;
}

/** PostgreSQL: one INSERT of the whole batch, its columns bound as five arrays (parsing 10,000 parameters cost more). */
async function insertUnnest(tx: Kysely<Database>, batch: number, series: number[], rows: readonly ValueRow[]) {
  const [ts, nums, textsOf] = [
    new Array<number>(rows.length),
    new Array<number | null>(rows.length),
    new Array<string | null>(rows.length),
  ];
  let [nullNums, someTexts] = [false, false];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    ts[i] = r.ts;
    nums[i] = r.num;
    textsOf[i] = r.text;
    if (r.num === null) nullNums = true;
    if (r.text !== null) someTexts = true;
  }
  const [seriesText, tsText] = [arrayLiteral(series, false, false), arrayLiteral(ts, false, false)];
  const [numsText, textsText] = [arrayLiteral(nums, nullNums, false), arrayLiteral(textsOf, true, someTexts)];
  await sql`insert into ingest_points (batch, series, ts, value_num, value_text)
    select ${batch}::bigint, * from unnest(${seriesText}::bigint[], ${tsText}::bigint[], ${numsText}::float8[], ${textsText}::text[])`.execute(
    tx,
  );
}

/** SQLite: prepared multi-row INSERTs of at most 2,048 rows. */
async function insertRows(tx: Kysely<Database>, batch: number, series: number[], rows: readonly ValueRow[]) {
  let at = 0;
  for (const size of chunkSizes(rows.length)) {
    const parameters: unknown[] = new Array(size * COLUMNS);
    for (let i = 0, p = 0; i < size; i++) {
      const r = rows[at + i]!;
      parameters[p++] = batch;
      parameters[p++] = series[at + i];
      parameters[p++] = r.ts;
      parameters[p++] = r.num;
      parameters[p++] = r.text;
    }
    await tx.executeQuery(CompiledQuery.raw(statement(tx, size), parameters));
    at += size;
  }
}

/** Inserts a batch's rows as points of batch `batch`, in the caller's transaction and in row order. */
export async function insertValues(tx: Kysely<Database>, batch: number, rows: readonly ValueRow[]): Promise<void> {
  if (rows.length === 0) return;
  const series = await seriesOf(tx, rows);
  if (isPostgres(tx)) await insertUnnest(tx, batch, series, rows);
  else await insertRows(tx, batch, series, rows);
}
