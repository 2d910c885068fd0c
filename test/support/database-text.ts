import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestBastion } from './bastion.js';
import { testDialect } from './database.js';

/** Everything the database holds, as text: the raw SQLite file and its WAL, or every PostgreSQL table. */
export async function databaseText(t: TestBastion): Promise<string> {
  if (testDialect === 'sqlite') {
    const file = join(t.dataDir, 'bastion.db');
    return [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(
    t.bastion.storage.db,
  );
  const dumps: string[] = [];
  for (const { tablename } of tables.rows) {
    const rows = await sql`select * from ${sql.table(tablename)}`.execute(t.bastion.storage.db);
    dumps.push(
      JSON.stringify(rows.rows, (_key, value: unknown) =>
        typeof value === 'object' && value !== null && 'type' in value && (value as { type: string }).type === 'Buffer'
          ? Buffer.from((value as unknown as { data: number[] }).data).toString('latin1')
          : value,
      ),
    );
  }
  return dumps.join('\n');
}
