import type { ModuleMigration } from '../../kernel/store.js';

export interface PlantTables {
  /**
   * One row per node of the equipment hierarchy. `path` joins the codes from the enterprise down
   * ('/site-1/area-2/line-3'; the enterprise itself is '/'): it is the scope identity grants attach to.
   */
  plant_nodes: {
    id: string;
    parent_id: string | null;
    level: string;
    code: string;
    path: string;
    name: string;
    equipment_class: string | null;
    properties: string;
    created_at: number;
    retired_at: number | null;
  };
}

export const plantMigrations: ModuleMigration[] = [
  {
    name: '0300_plant_nodes',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('plant_nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('plant_nodes.id'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('equipment_class', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('retired_at', big)
        .execute();
      await db.schema.createIndex('plant_nodes_parent').on('plant_nodes').column('parent_id').execute();
    },
  },
];
