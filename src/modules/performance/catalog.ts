import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const process = column('internal', ['process']);

/** Machine states and counts, the inputs of OEE. */
export const performanceCatalog: DataCatalog = {
  performance_states: {
    description: 'Machine state intervals (running, idle, down) with their reason.',
    columns: {
      id: process,
      equipment_path: process,
      state: process,
      category: process,
      reason: process,
      started_at: process,
      ended_at: process,
    },
  },
  performance_counts: {
    description: 'Produced counts per equipment over time.',
    columns: {
      id: process,
      equipment_path: process,
      at: process,
      total: process,
      good: process,
      ideal_cycle_seconds: process,
      startup: process,
    },
  },
  performance_counters: {
    description: 'The last counter reading per equipment (to turn readings into increments).',
    rowKey: 'equipment_path',
    columns: { equipment_path: process, total: process, good: process, updated_at: process },
  },
};
