import type { ModuleMigration } from '../../storage/migrations.js';

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
    ideal_cycle_seconds: number;
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
