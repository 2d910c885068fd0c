import type { ModuleMigration } from '../../kernel/store.js';

export interface QualityTables {
  /**
   * Inspection plans per product (and optionally one routing operation). A plan is never edited: a change
   * makes a new version and supersedes the old, so every result refers to the limits it was judged against.
   */
  quality_plans: {
    id: string;
    code: string;
    version: number;
    material_id: string;
    operation: number | null;
    characteristics: string;
    state: string;
    created_at: number;
    created_by: string;
  };
  /** One inspection: a sample (subgroup) of a lot and/or work order against one plan version. */
  quality_inspections: {
    id: string;
    plan_id: string;
    lot_id: string | null;
    order_id: string | null;
    result: string;
    inspected_at: number;
    inspected_by: string;
  };
  /** Every measured value with its computed verdict. */
  quality_measurements: {
    inspection_id: string;
    characteristic: string;
    sample: number;
    value: number;
    passed: number;
  };
  /** Non-conformance reports and their disposition (rework, scrap, use-as-is under two-person approval). */
  quality_ncrs: {
    id: string;
    number: string;
    lot_id: string | null;
    inspection_id: string | null;
    description: string;
    state: string;
    disposition: string | null;
    disposition_reason: string | null;
    dispositioned_by: string | null;
    approved_by: string | null;
    created_at: number;
    created_by: string;
    closed_at: number | null;
  };
}

export const qualityMigrations: ModuleMigration[] = [
  {
    name: '0600_quality',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('quality_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('material_id', 'text', (c) => c.notNull().references('production_materials.id'))
        .addColumn('operation', 'integer')
        .addColumn('characteristics', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('quality_plans_version', ['code', 'version'])
        .execute();
      await db.schema
        .createTable('quality_inspections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull().references('quality_plans.id'))
        .addColumn('lot_id', 'text', (c) => c.references('genealogy_lots.id'))
        .addColumn('order_id', 'text', (c) => c.references('production_orders.id'))
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('inspected_at', big, (c) => c.notNull())
        .addColumn('inspected_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('quality_inspections_plan').on('quality_inspections').columns(['plan_id']).execute();
      await db.schema.createIndex('quality_inspections_lot').on('quality_inspections').columns(['lot_id']).execute();
      await db.schema
        .createTable('quality_measurements')
        .addColumn('inspection_id', 'text', (c) => c.notNull().references('quality_inspections.id'))
        .addColumn('characteristic', 'text', (c) => c.notNull())
        .addColumn('sample', 'integer', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('passed', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('quality_measurements_pk', ['inspection_id', 'characteristic', 'sample'])
        .execute();
      await db.schema
        .createTable('quality_ncrs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('lot_id', 'text', (c) => c.references('genealogy_lots.id'))
        .addColumn('inspection_id', 'text', (c) => c.references('quality_inspections.id'))
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('disposition', 'text')
        .addColumn('disposition_reason', 'text')
        .addColumn('dispositioned_by', 'text')
        .addColumn('approved_by', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('closed_at', big)
        .execute();
    },
  },
];

qualityMigrations.push({
  name: '0601_quality_lists',
  async up(db) {
    // Both lists are newest first, paged by (time, id).
    await db.schema
      .createIndex('quality_inspections_time')
      .on('quality_inspections')
      .columns(['inspected_at', 'id'])
      .execute();
    await db.schema.createIndex('quality_ncrs_time').on('quality_ncrs').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('quality_ncrs_lot').on('quality_ncrs').columns(['lot_id']).execute();
  },
});
