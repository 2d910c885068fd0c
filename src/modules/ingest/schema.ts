import { sql, type ColumnDefinitionBuilder, type Generated } from 'kysely';
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
  /**
   * A device's metric, numbered: the points refer to it by this integer instead of repeating two texts (a
   * 36-character device UUID and the metric name) on every value. Never updated nor deleted, so an id once
   * committed stays valid.
   */
  ingest_series: {
    id: Generated<number>;
    device_id: string;
    metric: string;
  };
  /** A committed batch, numbered for its points; `public_id` is the audit record's target (a UUID, as before). */
  ingest_batches: {
    id: Generated<number>;
    public_id: string;
  };
  /** Metric values as committed, one row per value, keyed by integers; `batch` finds a batch's rows. */
  ingest_points: {
    batch: number;
    series: number;
    ts: number;
    value_num: number | null;
    value_text: string | null;
  };
  /**
   * A view (migration 0808), read-only: the points as they were stored before, with the public IDs, for
   * readers that want device and metric by name (tests, ad-hoc SQL, the batch-root check).
   */
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

/**
 * Values keyed by integers (series, batch) instead of two texts per value: the rows and their index shrink to
 * a fraction and the insert no longer compares UUIDs. Existing values move over in the same migration, in
 * their order, and `ingest_values` becomes a view of the same columns, so the stored data reads as before.
 */
ingestMigrations.push({
  name: '0808_ingest_series_points',
  async up(db, storage) {
    const big = storage.capabilities.bigIntType;
    // SQLite numbers an INTEGER PRIMARY KEY itself; PostgreSQL needs an identity for the same.
    const key = storage.dialect === 'postgres' ? 'bigint' : 'integer';
    const numbered = (c: ColumnDefinitionBuilder) => {
      const primary = c.primaryKey();
      return storage.dialect === 'postgres' ? primary.generatedByDefaultAsIdentity() : primary;
    };
    await db.schema
      .createTable('ingest_series')
      .addColumn('id', key, numbered)
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addUniqueConstraint('ingest_series_device_metric', ['device_id', 'metric'])
      .execute();
    await db.schema
      .createTable('ingest_batches')
      .addColumn('id', key, numbered)
      .addColumn('public_id', 'text', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('ingest_points')
      .addColumn('batch', big, (c) => c.notNull())
      .addColumn('series', big, (c) => c.notNull())
      .addColumn('ts', big, (c) => c.notNull())
      .addColumn('value_num', 'double precision')
      .addColumn('value_text', 'text')
      .execute();
    await db.schema.createIndex('ingest_points_series_ts').on('ingest_points').columns(['series', 'ts']).execute();
    await sql`insert into ingest_series (device_id, metric)
      select device_id, metric from ingest_values group by device_id, metric order by min(ts)`.execute(db);
    await sql`insert into ingest_batches (public_id)
      select batch_id from ingest_values group by batch_id order by min(ts)`.execute(db);
    // Rows keep their stored order (a batch's Merkle root is over its rows in order).
    const order = storage.dialect === 'postgres' ? sql`v.ctid` : sql`v.rowid`;
    await sql`insert into ingest_points (batch, series, ts, value_num, value_text)
      select b.id, s.id, v.ts, v.value_num, v.value_text from ingest_values v
      join ingest_series s on s.device_id = v.device_id and s.metric = v.metric
      join ingest_batches b on b.public_id = v.batch_id
      order by ${order}`.execute(db);
    await db.schema.dropTable('ingest_values').execute();
    await sql`create view ingest_values as
      select b.public_id as batch_id, s.device_id as device_id, s.metric as metric, p.ts as ts,
        p.value_num as value_num, p.value_text as value_text
      from ingest_points p
      join ingest_series s on s.id = p.series
      join ingest_batches b on b.id = p.batch`.execute(db);
  },
});
