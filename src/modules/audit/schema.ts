import type { ModuleMigration } from '../../kernel/store.js';
import { sql } from 'kysely';
import { forbidUpdateAndDelete } from '../../storage/ddl.js';
import { appendFunctionSql } from './append-function.js';

export interface AuditTables {
  /** One row per record: `body` is the canonical JSON exactly as hashed, `hash` its chained leaf hash. */
  audit_records: { seq: number; body: string; hash: Buffer };
  /** Complete perfect subtrees of the Merkle tree (level >= 4), for O(log n) proofs. `node` = nodeKey(). */
  audit_merkle_nodes: { node: number; hash: Buffer };
  /** Signed tree heads: `body` is the canonical JSON that was signed. */
  audit_checkpoints: { tree_size: number; body: string; signature: Buffer; created_at: number };
}

export const auditMigrations: ModuleMigration[] = [
  {
    name: '0100_audit_log',
    async up(db, storage) {
      const { binaryType, bigIntType } = storage.capabilities;
      await db.schema
        .createTable('audit_records')
        .addColumn('seq', bigIntType, (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('hash', binaryType, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_merkle_nodes')
        .addColumn('node', bigIntType, (c) => c.primaryKey())
        .addColumn('hash', binaryType, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', bigIntType, (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('signature', binaryType, (c) => c.notNull())
        .addColumn('created_at', bigIntType, (c) => c.notNull())
        .execute();
      for (const table of ['audit_records', 'audit_merkle_nodes', 'audit_checkpoints']) {
        await forbidUpdateAndDelete(db, storage, table);
      }
    },
  },
  {
    name: '0101_audit_append_function',
    async up(db, storage) {
      if (storage.dialect === 'postgres') await sql.raw(appendFunctionSql).execute(db);
    },
  },
];
