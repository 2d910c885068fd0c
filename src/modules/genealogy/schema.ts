import type { Generated } from 'kysely';
import type { ModuleMigration } from '../../kernel/store.js';
import { integerKeys } from './schema-keys.js';

export interface GenealogyTables {
  /** Material lots: received from suppliers or produced by work orders. */
  genealogy_lots: {
    /** The integer surrogate key that links and traces use (schema-keys.ts); never shown outside the module. */
    key: Generated<number>;
    /** The lot's public ID: audit records and other modules' rows name the lot by it. */
    id: string;
    number: string;
    material_id: string;
    quantity: number;
    available: number;
    unit: string;
    state: string;
    hold_reason: string | null;
    supplier: string | null;
    supplier_lot: string | null;
    order_id: string | null;
    created_at: number;
  };
  /** One edge per consumption: `quantity` of the parent lot went into the child lot. */
  genealogy_links: {
    /** The consumed lot's key. */
    parent: number;
    /** The key of the lot it went into. */
    child: number;
    quantity: number;
    order_id: string | null;
    /** The routing operation of the order that consumed the parent lot, if one was named. */
    operation: number | null;
    created_at: number;
  };
}

export const genealogyMigrations: ModuleMigration[] = [
  {
    name: '0500_genealogy',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('genealogy_lots')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('material_id', 'text', (c) => c.notNull().references('production_materials.id'))
        .addColumn('quantity', 'double precision', (c) => c.notNull())
        .addColumn('available', 'double precision', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('hold_reason', 'text')
        .addColumn('supplier', 'text')
        .addColumn('supplier_lot', 'text')
        .addColumn('order_id', 'text', (c) => c.references('production_orders.id'))
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('genealogy_links')
        .addColumn('parent_id', 'text', (c) => c.notNull().references('genealogy_lots.id'))
        .addColumn('child_id', 'text', (c) => c.notNull().references('genealogy_lots.id'))
        .addColumn('quantity', 'double precision', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.references('production_orders.id'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('genealogy_links_pk', ['parent_id', 'child_id'])
        .execute();
      // Forward traces walk parent -> child, backward traces child -> parent: one index each way.
      await db.schema
        .createIndex('genealogy_links_child')
        .on('genealogy_links')
        .columns(['child_id', 'parent_id'])
        .execute();
    },
  },
];

export interface SerialTables {
  /** Serial numbers of single units, each inside the lot it was produced in. */
  genealogy_serials: {
    serial: string;
    lot_id: string;
    created_at: number;
  };
}

genealogyMigrations.push({
  name: '0510_genealogy_serials',
  async up(db, storage) {
    await db.schema
      .createTable('genealogy_serials')
      .addColumn('serial', 'text', (c) => c.primaryKey())
      .addColumn('lot_id', 'text', (c) => c.notNull().references('genealogy_lots.id'))
      .addColumn('created_at', storage.capabilities.bigIntType, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('genealogy_serials_lot').on('genealogy_serials').columns(['lot_id']).execute();
  },
});

genealogyMigrations.push({
  name: '0511_genealogy_link_operation',
  async up(db) {
    // Which routing operation of the order consumed the parent lot (null: booked to the order as a whole).
    await db.schema.alterTable('genealogy_links').addColumn('operation', 'integer').execute();
  },
});

genealogyMigrations.push({
  name: '0512_genealogy_lot_lists',
  async up(db) {
    // The lot list filters by material and supplier; a lot's place is found through the order that made it.
    await db.schema
      .createIndex('genealogy_lots_material')
      .on('genealogy_lots')
      .columns(['material_id', 'number'])
      .execute();
    await db.schema
      .createIndex('genealogy_lots_supplier')
      .on('genealogy_lots')
      .columns(['supplier', 'number'])
      .execute();
    await db.schema.createIndex('genealogy_lots_order').on('genealogy_lots').columns(['order_id']).execute();
  },
});

genealogyMigrations.push(integerKeys);
