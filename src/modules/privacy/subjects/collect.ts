import type { Kysely } from 'kysely';
import { FieldUnreadableError, type FieldCipher } from '../../../kernel/privacy/cipher.js';
import { rowKeyOf, type DataCatalog, type TableClass } from '../../../kernel/privacy/catalog.js';
import type { AnyTables } from '../../../kernel/store.js';

/** Everything Bastion holds about one person, table by table, in clear; what it withholds, and why. */
export interface SubjectData {
  records: Record<string, Record<string, unknown>[]>;
  /** Columns held about the person but never handed out (password and token hashes): `table.column`. */
  withheld: string[];
  /** Audit records naming the person's account as the actor (kept: legal obligation, GDPR Art. 17(3)(b)). */
  auditRecords: number;
}

type Row = Record<string, unknown>;

/**
 * Walks the data catalogue: every table that declares a subject column is read for the person, each column
 * opened when sealed (a value whose key is shredded is left out: it no longer exists in readable form) and
 * credentials withheld. New tables join the export by declaring `subject` in their catalogue.
 */
export async function collectSubject(
  db: Kysely<AnyTables>,
  cipher: FieldCipher,
  catalog: DataCatalog,
  subjectId: string,
): Promise<SubjectData> {
  const records: SubjectData['records'] = {};
  const withheld = new Set<string>();
  for (const [table, entry] of Object.entries(catalog)) {
    if (entry.subject === undefined) continue;
    const rows = (await db.selectFrom(table).selectAll().where(entry.subject, '=', subjectId).execute()) as Row[];
    if (rows.length === 0) continue;
    records[table] = await Promise.all(rows.map((row) => exportRow(cipher, table, entry, row, withheld)));
  }
  return { records, withheld: [...withheld].sort(), auditRecords: await auditRecordsOf(db, subjectId) };
}

async function exportRow(cipher: FieldCipher, table: string, entry: TableClass, row: Row, withheld: Set<string>) {
  const out: Row = {};
  const rowKey = rowKeyOf(entry)
    .map((k) => String(row[k]))
    .join('/');
  for (const [name, value] of Object.entries(row)) {
    const declared = entry.columns[name];
    if (declared?.categories.includes('credential')) {
      if (value !== null) withheld.add(`${table}.${name}`);
      continue;
    }
    if (declared?.encrypted && typeof value === 'string' && cipher.isSealed(value)) {
      const opened = await openOrGone(cipher, value, { table, column: name, row: rowKey });
      if (opened !== undefined) out[name] = opened;
      continue;
    }
    out[name] = value;
  }
  return out;
}

async function openOrGone(cipher: FieldCipher, sealed: string, field: { table: string; column: string; row: string }) {
  try {
    return await cipher.open(sealed, field);
  } catch (error) {
    if (error instanceof FieldUnreadableError && error.reason === 'shredded') return undefined;
    throw error;
  }
}

/** Canonical JSON sorts keys, so an audit record's actor always reads `"actor":{"id":"…","kind":…}`. */
export async function auditRecordsOf(db: Kysely<AnyTables>, subjectId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('body', 'like', `%"actor":{"id":"${subjectId}"%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
