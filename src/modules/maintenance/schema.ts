import type { ModuleMigration } from '../../kernel/store.js';

export interface MaintenanceTables {
  /** Preventive maintenance: every N days (calendar) or every N parts made (counter), per equipment. */
  maintenance_plans: {
    id: string;
    code: string;
    equipment_path: string;
    trigger: string;
    interval: number;
    task: string;
    last_done_at: number;
    created_at: number;
  };
  /** Corrective or preventive maintenance orders and the work recorded on them. */
  maintenance_orders: {
    id: string;
    number: string;
    equipment_path: string;
    kind: string;
    plan_id: string | null;
    description: string;
    state: string;
    stops_equipment: number;
    work_done: string | null;
    created_at: number;
    created_by: string;
    started_at: number | null;
    completed_at: number | null;
    completed_by: string | null;
  };
  /** Spare parts used on an order. */
  maintenance_parts: {
    order_id: string;
    part: string;
    quantity: number;
    unit: string;
  };
}

export const maintenanceMigrations: ModuleMigration[] = [
  {
    name: '0750_maintenance',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('maintenance_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('interval', 'double precision', (c) => c.notNull())
        .addColumn('task', 'text', (c) => c.notNull())
        .addColumn('last_done_at', big, (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('maintenance_orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('equipment_path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.references('maintenance_plans.id'))
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('stops_equipment', 'integer', (c) => c.notNull())
        .addColumn('work_done', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('started_at', big)
        .addColumn('completed_at', big)
        .addColumn('completed_by', 'text')
        .execute();
      await db.schema
        .createIndex('maintenance_orders_equipment')
        .on('maintenance_orders')
        .columns(['equipment_path', 'created_at'])
        .execute();
      await db.schema
        .createTable('maintenance_parts')
        .addColumn('order_id', 'text', (c) => c.notNull().references('maintenance_orders.id'))
        .addColumn('part', 'text', (c) => c.notNull())
        .addColumn('quantity', 'double precision', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .execute();
    },
  },
];
