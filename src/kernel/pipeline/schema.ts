import type { ModuleMigration } from '../store.js';

export interface KernelTables {
  /** The first result of each idempotent command, so that a retry returns it and writes nothing new. */
  command_idempotency: {
    actor_id: string;
    idempotency_key: string;
    command: string;
    input_digest: string;
    result: string;
    created_at: number;
  };
  /** Commands held for dual control (see approvals.ts). Not append-only: approvers and state change. */
  command_approvals: {
    id: string;
    command: string;
    input: string;
    author_kind: string;
    author_id: string;
    origin: string;
    required: number;
    approvers: string;
    state: string;
    created_at: number;
    expires_at: number;
  };
}

export const kernelMigrations: ModuleMigration[] = [
  {
    name: '0001_kernel_idempotency',
    async up(db, storage) {
      await db.schema
        .createTable('command_idempotency')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('input_digest', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', storage.capabilities.bigIntType, (c) => c.notNull())
        .addPrimaryKeyConstraint('command_idempotency_pk', ['actor_id', 'idempotency_key'])
        .execute();
    },
  },
  {
    name: '0002_kernel_approvals',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('command_approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('author_kind', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('required', 'integer', (c) => c.notNull())
        .addColumn('approvers', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();
    },
  },
];
