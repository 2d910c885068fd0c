import { sql } from 'kysely';
import type { Dialect, ReadDb } from '../../../kernel/store.js';
import type { AuditHead, SnapshotState } from './format.js';
import { treeHeadOf } from '../../audit/index.js';

/** A read handle on one consistent view of the database (a snapshot file, or a REPEATABLE READ transaction). */
export interface SnapshotReader extends Dialect {
  readonly db: ReadDb;
}

/** User tables of the database, in name order (SQLite's own and PostgreSQL's catalogs left out). */
export async function tableNames(reader: SnapshotReader): Promise<string[]> {
  const query =
    reader.dialect === 'sqlite'
      ? sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
      : sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`;
  const { rows } = await query.execute(reader.db);
  return rows.map((row) => row.name);
}

export async function countRows(reader: SnapshotReader, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(reader.db);
  return Number(rows[0]?.n ?? 0);
}

async function countTables(reader: SnapshotReader): Promise<Record<string, number>> {
  const tables: Record<string, number> = {};
  for (const table of await tableNames(reader)) tables[table] = await countRows(reader, table);
  return tables;
}

async function schemaOf(reader: SnapshotReader): Promise<SnapshotState['schema']> {
  const row = await reader.db
    .selectFrom('bastion_migrations')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max<string | null>('name').as('last')])
    .executeTakeFirst();
  return { migrations: Number(row?.n ?? 0), last: row?.last ?? null };
}

/** The log's size and Merkle root as of this view (the audit module's own stored subtrees), and its newest checkpoint. */
export async function auditHeadOf(reader: SnapshotReader): Promise<AuditHead> {
  const head = await treeHeadOf(reader.db);
  const latest: { body: string; signature: Buffer } | undefined = await reader.db
    .selectFrom('audit_checkpoints')
    .select(['body', 'signature'])
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    ...head,
    checkpoint: latest ? { body: latest.body, signature: Buffer.from(latest.signature).toString('base64') } : null,
  };
}

export async function snapshotState(reader: SnapshotReader): Promise<SnapshotState> {
  return { schema: await schemaOf(reader), audit: await auditHeadOf(reader), tables: await countTables(reader) };
}
