import { sql, type Kysely } from 'kysely';
import { encryptedColumns, rowKeyOf, type DataCatalog } from '../../kernel/privacy/catalog.js';
import type { AnyTables, ReadDb } from '../../kernel/store.js';
import { sealedUnderPattern } from './sealed-value.js';

/** A column whose values are sealed by the keyring: what a rotation re-encrypts and counts. */
export interface SealedColumn {
  table: string;
  column: string;
  purpose: string;
  rowKey: readonly string[];
  appendOnly: boolean;
}

export const PIPELINE_PURPOSE = 'pipeline';

/** The kernel pipeline's own sealed columns (kernel/pipeline/idempotency.ts and approvals.ts). */
const pipelineColumns: SealedColumn[] = [
  {
    ...{ table: 'command_idempotency', column: 'result', purpose: PIPELINE_PURPOSE },
    ...{ rowKey: ['actor_id', 'idempotency_key'], appendOnly: false },
  },
  { table: 'command_approvals', column: 'input', purpose: PIPELINE_PURPOSE, rowKey: ['id'], appendOnly: false },
];

/** The catalogue's encrypted columns and the pipeline's, each once. */
export function sealedColumns(catalog: DataCatalog): SealedColumn[] {
  const fromCatalog = encryptedColumns(catalog).map((c) => ({
    table: c.table,
    column: c.column,
    purpose: c.encryption.purpose,
    rowKey: rowKeyOf(c.entry),
    appendOnly: c.entry.appendOnly === true,
  }));
  const named = new Set(fromCatalog.map((c) => `${c.table}.${c.column}`));
  return [...fromCatalog, ...pipelineColumns.filter((c) => !named.has(`${c.table}.${c.column}`))];
}

/** The row key of a row as bound into a field's additional data: its key columns joined by '/'. */
export const rowKeyValue = (column: SealedColumn, row: Record<string, unknown>) =>
  column.rowKey.map((name) => String(row[name])).join('/');

/** How many rows of `column` hold a value sealed under one of `keyIds`. */
export async function countSealedUnder(
  db: ReadDb<AnyTables> | Kysely<AnyTables>,
  column: SealedColumn,
  keyIds: readonly string[],
): Promise<number> {
  if (keyIds.length === 0) return 0;
  const row = (await db
    .selectFrom(column.table)
    .select(sql<number>`count(*)`.as('n'))
    .where((eb) => eb.or(keyIds.map((id) => eb(column.column, 'like', sealedUnderPattern(id)))))
    .executeTakeFirst()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Writes `value` over `stored` in one row; holds only if nobody changed the value meanwhile (0 or 1). */
export async function replaceValue(
  tx: Kysely<AnyTables>,
  column: SealedColumn,
  row: Record<string, unknown>,
  stored: string,
  value: string,
): Promise<number> {
  let update = tx
    .updateTable(column.table)
    .set({ [column.column]: value })
    .where(column.column, '=', stored);
  for (const key of column.rowKey) update = update.where(key, '=', row[key]);
  return Number((await update.executeTakeFirst()).numUpdatedRows);
}
