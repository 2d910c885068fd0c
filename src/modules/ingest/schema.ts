import type { ModuleMigration } from '../../kernel/store.js';

export interface IngestTables {
  /** Devices: an identity bound to one plant node and to its Sparkplug namespace (group + edge node). */
  ingest_devices: {
    id: string;
    name: string;
    node_path: string;
    group_id: string;
    edge_node_id: string;
    /** SHA-256 of the Bastion-generated secret (hex); the secret itself is never stored. */
    secret_hash: string;
    state: 'active' | 'quarantined';
    quarantine_reason: string | null;
    created_at: number;
    rotated_at: number;
  };
  /** Metric values as committed, one row per value; `batch_id` finds the rows behind a batch's Merkle root. */
  ingest_values: {
    batch_id: string;
    device_id: string;
    metric: string;
    ts: number;
    value_num: number | null;
    value_text: string | null;
  };
  /** Messages of quarantined devices, kept aside for review instead of being ingested. */
  ingest_quarantine: {
    id: string;
    device_id: string;
    topic: string;
    received_at: number;
    size: number;
    payload: string;
    /** Why it was set aside: its device is quarantined, or a timestamp outside the window (null: before 0807). */
    reason: string | null;
  };
  /** Refusals and anomalies; repeats of the same kind by the same source in one batch add to `count`. */
  ingest_security_events: {
    id: string;
    at: number;
    kind: string;
    device_id: string | null;
    username: string | null;
    address: string | null;
    detail: string | null;
    count: number;
  };
}

export const ingestMigrations: ModuleMigration[] = [
  {
    name: '0800_ingest_tables',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('ingest_devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('node_path', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('edge_node_id', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('quarantine_reason', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('rotated_at', big, (c) => c.notNull())
        .addUniqueConstraint('ingest_devices_namespace', ['group_id', 'edge_node_id'])
        .execute();
      await db.schema
        .createTable('ingest_values')
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('ts', big, (c) => c.notNull())
        .addColumn('value_num', 'double precision')
        .addColumn('value_text', 'text')
        .execute();
      await db.schema
        .createIndex('ingest_values_series')
        .on('ingest_values')
        .columns(['device_id', 'metric', 'ts'])
        .execute();
      await db.schema
        .createTable('ingest_quarantine')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ingest_security_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('username', 'text')
        .addColumn('address', 'text')
        .addColumn('detail', 'text')
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ingest_security_events_at').on('ingest_security_events').column('at').execute();
    },
  },
];

ingestMigrations.push({
  name: '0807_ingest_quarantine_reason',
  async up(db) {
    await db.schema.alterTable('ingest_quarantine').addColumn('reason', 'text').execute();
  },
});
