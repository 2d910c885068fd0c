import type { ModuleMigration } from '../../kernel/store.js';

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

export interface OrderTables {
  /** Work orders (ISA-95 job orders): what to make, how much, on which line, in which state. */
  production_orders: {
    id: string;
    number: string;
    material_id: string;
    definition_id: string | null;
    quantity: number;
    line_path: string | null;
    state: string;
    good_quantity: number;
    scrap_quantity: number;
    erp_reference: string | null;
    created_at: number;
    closed_at: number | null;
    /** When the order is due (Unix ms), as planned or imported from the ERP; null when none was given. */
    due_at: number | null;
  };
  /** One row per routing operation of an order, in sequence; carries its own state and counts. */
  production_order_operations: {
    order_id: string;
    sequence: number;
    name: string;
    work_cell: string;
    state: string;
    good_quantity: number;
    scrap_quantity: number;
    started_at: number | null;
    completed_at: number | null;
  };
}

productionMigrations.push({
  name: '0401_production_orders',
  async up(db, storage) {
    const big = storage.capabilities.bigIntType;
    await db.schema
      .createTable('production_orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('material_id', 'text', (c) => c.notNull().references('production_materials.id'))
      .addColumn('definition_id', 'text', (c) => c.references('production_definitions.id'))
      .addColumn('quantity', 'double precision', (c) => c.notNull())
      .addColumn('line_path', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('good_quantity', 'double precision', (c) => c.notNull())
      .addColumn('scrap_quantity', 'double precision', (c) => c.notNull())
      .addColumn('erp_reference', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('closed_at', big)
      .execute();
    await db.schema
      .createTable('production_order_operations')
      .addColumn('order_id', 'text', (c) => c.notNull().references('production_orders.id'))
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('work_cell', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('good_quantity', 'double precision', (c) => c.notNull())
      .addColumn('scrap_quantity', 'double precision', (c) => c.notNull())
      .addColumn('started_at', big)
      .addColumn('completed_at', big)
      .addPrimaryKeyConstraint('production_order_operations_pk', ['order_id', 'sequence'])
      .execute();
  },
});

export interface AttachmentTables {
  /** Work-instruction files of a product version's operations, with their SHA-256 (stored, never edited). */
  production_attachments: {
    id: string;
    definition_id: string;
    operation: number;
    filename: string;
    media_type: string;
    size: number;
    sha256: string;
    content: Buffer;
    created_at: number;
    created_by: string;
  };
}

productionMigrations.push({
  name: '0402_production_attachments',
  async up(db, storage) {
    await db.schema
      .createTable('production_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('definition_id', 'text', (c) => c.notNull().references('production_definitions.id'))
      .addColumn('operation', 'integer', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('content', storage.capabilities.binaryType, (c) => c.notNull())
      .addColumn('created_at', storage.capabilities.bigIntType, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('production_attachments_definition')
      .on('production_attachments')
      .columns(['definition_id'])
      .execute();
  },
});

productionMigrations.push({
  name: '0403_production_order_lists',
  async up(db, storage) {
    await db.schema.alterTable('production_orders').addColumn('due_at', storage.capabilities.bigIntType).execute();
    // The order list filters by line, product and state and sorts by number (unique: indexed) or due date.
    await db.schema
      .createIndex('production_orders_line')
      .on('production_orders')
      .columns(['line_path', 'number'])
      .execute();
    await db.schema.createIndex('production_orders_due').on('production_orders').columns(['due_at', 'id']).execute();
    await db.schema
      .createIndex('production_orders_material')
      .on('production_orders')
      .columns(['material_id', 'number'])
      .execute();
    await db.schema
      .createIndex('production_orders_state')
      .on('production_orders')
      .columns(['state', 'number'])
      .execute();
  },
});
