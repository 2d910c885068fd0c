import { sql } from 'kysely';
import type { ModuleMigration } from '../../kernel/store.js';

export interface PerformanceTables {
  /** Machine-state intervals per equipment; the open one has no end. */
  performance_states: {
    id: string;
    equipment_path: string;
    state: string;
    category: string | null;
    reason: string | null;
    started_at: number;
    ended_at: number | null;
  };
  /** Part counts as reported (by an operator or a device), with the ideal cycle time they were made at. */
  performance_counts: {
    id: string;
    equipment_path: string;
    at: number;
    total: number;
    good: number;
    /** null: the equipment had no ideal cycle time (counted, but its performance cannot be judged). */
    ideal_cycle_seconds: number | null;
    startup: number;
  };
}

export const performanceMigrations: ModuleMigration[] = [
  {
    name: '0700_performance',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('performance_states')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('reason', 'text')
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('ended_at', big)
        .execute();
      await db.schema
        .createIndex('performance_states_equipment')
        .on('performance_states')
        .columns(['equipment_path', 'started_at'])
        .execute();
      await db.schema
        .createTable('performance_counts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('total', 'double precision', (c) => c.notNull())
        .addColumn('good', 'double precision', (c) => c.notNull())
        .addColumn('ideal_cycle_seconds', 'double precision', (c) => c.notNull())
        .addColumn('startup', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('performance_counts_equipment')
        .on('performance_counts')
        .columns(['equipment_path', 'at'])
        .execute();
    },
  },
];

export interface CounterTables {
  /** The last cumulative counter values a machine reported, so that telemetry turns into part counts. */
  performance_counters: {
    equipment_path: string;
    total: number;
    good: number;
    updated_at: number;
  };
}

performanceMigrations.push({
  name: '0701_performance_counters',
  async up(db, storage) {
    await db.schema
      .createTable('performance_counters')
      .addColumn('equipment_path', 'text', (c) => c.primaryKey())
      .addColumn('total', 'double precision', (c) => c.notNull())
      .addColumn('good', 'double precision', (c) => c.notNull())
      .addColumn('updated_at', storage.capabilities.bigIntType, (c) => c.notNull())
      .execute();
  },
});

/**
 * Counts of equipment without an ideal cycle time are stored (they were refused, so a device's parts were
 * lost): the column becomes nullable. SQLite cannot drop a NOT NULL, so the table is rebuilt on both
 * dialects, the same way.
 */
performanceMigrations.push({
  name: '0702_performance_unrated_counts',
  async up(db, storage) {
    const big = storage.capabilities.bigIntType;
    await db.schema
      .createTable('performance_counts_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('equipment_path', 'text', (c) => c.notNull())
      .addColumn('at', big, (c) => c.notNull())
      .addColumn('total', 'double precision', (c) => c.notNull())
      .addColumn('good', 'double precision', (c) => c.notNull())
      .addColumn('ideal_cycle_seconds', 'double precision')
      .addColumn('startup', 'integer', (c) => c.notNull())
      .execute();
    await sql`insert into performance_counts_next select id, equipment_path, at, total, good, ideal_cycle_seconds, startup from performance_counts`.execute(
      db,
    );
    await db.schema.dropTable('performance_counts').execute();
    await db.schema.alterTable('performance_counts_next').renameTo('performance_counts').execute();
    await db.schema
      .createIndex('performance_counts_equipment')
      .on('performance_counts')
      .columns(['equipment_path', 'at'])
      .execute();
  },
});
