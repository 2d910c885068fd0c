import type { ModuleMigration } from '../../storage/migrations.js';

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
];
