import type { ModuleMigration } from '../../storage/migrations.js';

export interface ProductionTables {
  /** ISA-95 material definitions: raw, intermediate and finished materials with their unit of measure. */
  production_materials: {
    id: string;
    code: string;
    name: string;
    kind: string;
    unit: string;
    created_at: number;
    retired_at: number | null;
  };
  /**
   * A versioned product definition: bill of materials and routing (ordered operations on plant nodes).
   * Versions are never changed once released; a new version supersedes the old.
   */
  production_definitions: {
    id: string;
    material_id: string;
    version: number;
    state: string;
    bom: string;
    routing: string;
    reason: string;
    created_at: number;
    created_by: string;
    released_at: number | null;
  };
}

export const productionMigrations: ModuleMigration[] = [
  {
    name: '0400_production_definitions',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('production_materials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('retired_at', big)
        .execute();
      await db.schema
        .createTable('production_definitions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('material_id', 'text', (c) => c.notNull().references('production_materials.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('bom', 'text', (c) => c.notNull())
        .addColumn('routing', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('released_at', big)
        .addUniqueConstraint('production_definitions_version', ['material_id', 'version'])
        .execute();
    },
  },
];
