import type { ModuleMigration } from '../../kernel/store.js';

export interface OpcUaTables {
  /** One row per OPC UA server Bastion subscribes to; `nodes` is JSON `[{ nodeId, tag }]`. */
  opcua_connections: {
    name: string;
    endpoint_url: string;
    equipment_path: string;
    security_policy: string;
    sampling_ms: number;
    nodes: string;
    created_at: number;
    updated_at: number;
  };
  /**
   * Data changes as they arrived. One typed column per kind so that numbers stay numbers (aggregations)
   * and strings are not parsed back from text. `batch_id` and `batch_seq` find a sample's place in the
   * batch whose Merkle root is in the audit record of `opcua.samples.commit` (null: stored before 0851).
   */
  opcua_samples: {
    batch_id: string | null;
    batch_seq: number | null;
    id: string;
    connection: string;
    equipment_path: string;
    tag: string;
    ts: number;
    kind: string;
    value_number: number | null;
    value_text: string | null;
  };
}

export const opcuaMigrations: ModuleMigration[] = [
  {
    name: '0850_opcua',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('opcua_connections')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('endpoint_url', 'text', (c) => c.notNull())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('security_policy', 'text', (c) => c.notNull())
        .addColumn('sampling_ms', 'integer', (c) => c.notNull())
        .addColumn('nodes', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('opcua_samples')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('ts', big, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value_number', 'double precision')
        .addColumn('value_text', 'text')
        .execute();
      await db.schema
        .createIndex('opcua_samples_tag')
        .on('opcua_samples')
        .columns(['equipment_path', 'tag', 'ts'])
        .execute();
    },
  },
];

opcuaMigrations.push({
  name: '0851_opcua_sample_batches',
  async up(db) {
    await db.schema.alterTable('opcua_samples').addColumn('batch_id', 'text').execute();
    await db.schema.alterTable('opcua_samples').addColumn('batch_seq', 'integer').execute();
    await db.schema.createIndex('opcua_samples_batch').on('opcua_samples').columns(['batch_id', 'batch_seq']).execute();
  },
});
