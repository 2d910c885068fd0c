import { NotFoundError } from '../../kernel/errors.js';
import type { Dialect, ReadDb } from '../../kernel/store.js';
import { jsonText } from '../../storage/json.js';
import type { AuditReader, Database } from './db.js';
import type { AuditRecord } from './record.js';

export interface RecordFilter {
  action?: string;
  actorId?: string;
  outcome?: string;
  targetId?: string;
  /** ISO-8601 UTC bounds on the record time, inclusive. */
  from?: string;
  to?: string;
  afterSeq?: number;
  limit: number;
}

export interface ListedRecord {
  seq: number;
  hash: string;
  record: AuditRecord;
}

function toListed(row: { seq: number; body: string; hash: Buffer }): ListedRecord {
  return { seq: row.seq, hash: row.hash.toString('hex'), record: JSON.parse(row.body) as AuditRecord };
}

/** Records in sequence order, filtered on fields inside the stored canonical body. */
export async function listRecords(reader: AuditReader, filter: RecordFilter): Promise<ListedRecord[]> {
  let query = reader.db.selectFrom('audit_records').select(['seq', 'body', 'hash']);
  const field = (...path: string[]) => jsonText(reader, 'body', path);
  if (filter.action !== undefined && filter.action !== '') query = query.where(field('action'), '=', filter.action);
  if (filter.actorId !== undefined && filter.actorId !== '')
    query = query.where(field('actor', 'id'), '=', filter.actorId);
  if (filter.outcome !== undefined && filter.outcome !== '') query = query.where(field('outcome'), '=', filter.outcome);
  if (filter.targetId !== undefined && filter.targetId !== '')
    query = query.where(field('target', 'id'), '=', filter.targetId);
  if (filter.from !== undefined && filter.from !== '') query = query.where(field('ts'), '>=', filter.from);
  if (filter.to !== undefined && filter.to !== '') query = query.where(field('ts'), '<=', filter.to);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  const rows = await query.orderBy('seq').limit(filter.limit).execute();
  return rows.map(toListed);
}

export async function getRecord(reader: AuditReader, seq: number): Promise<ListedRecord> {
  const row = await reader.db
    .selectFrom('audit_records')
    .select(['seq', 'body', 'hash'])
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Audit record ${seq} does not exist.`);
  return toListed(row);
}

/** Every record in order, a page at a time (one array per query: cheaper than a generator step per record). */
export async function* recordPages(reader: AuditReader, pageSize = 5000): AsyncGenerator<StoredRow[]> {
  let after = 0;
  for (;;) {
    const page = await reader.db
      .selectFrom('audit_records')
      .select(['seq', 'body', 'hash'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.seq;
  }
}

export interface StoredRow {
  seq: number;
  body: string;
  hash: Buffer;
}

/** The highest sequence number: the record count of an intact log, read from the index, not by counting. */
export async function lastSeq(reader: AuditReader): Promise<number> {
  const row = await reader.db
    .selectFrom('audit_records')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** The newest record of an action, e.g. the last start-up, or undefined. */
export async function latestRecordOf(
  dialect: Dialect,
  action: string,
  db: Pick<ReadDb<Database>, 'selectFrom'>,
): Promise<ListedRecord | undefined> {
  const row = await db
    .selectFrom('audit_records')
    .select(['seq', 'body', 'hash'])
    .where(jsonText(dialect, 'body', ['action']), '=', action)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toListed(row);
}
