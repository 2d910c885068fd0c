import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const actor = column('internal', ['personal']);

/** Maintenance plans, orders and the parts they used. */
export const maintenanceCatalog: DataCatalog = {
  maintenance_plans: {
    description: 'Preventive maintenance plans per equipment.',
    columns: {
      id: internal,
      code: internal,
      equipment_path: internal,
      trigger: internal,
      interval: internal,
      task: internal,
      last_done_at: internal,
      created_at: internal,
    },
  },
  maintenance_orders: {
    description: 'Maintenance orders: planned or corrective work on equipment.',
    columns: {
      id: internal,
      number: internal,
      equipment_path: internal,
      kind: internal,
      plan_id: internal,
      description: internal,
      state: internal,
      stops_equipment: internal,
      work_done: internal,
      created_at: internal,
      created_by: actor,
      started_at: internal,
      completed_at: internal,
      completed_by: actor,
    },
  },
  maintenance_parts: {
    description: 'Spare parts used by a maintenance order.',
    rowKey: ['order_id', 'part'],
    columns: { order_id: internal, part: internal, quantity: internal, unit: internal },
  },
};
