import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const process = column('internal', ['process']);
const actor = column('internal', ['personal']);
// How a product is made (bill of materials, routing, work instructions): the plant's know-how.
const knowHow = column('confidential', ['trade-secret']);

/** Materials, product definitions (BOM, routing), their attachments, work orders and their operations. */
export const productionCatalog: DataCatalog = {
  production_materials: {
    description: 'Materials: raw, intermediate and finished goods.',
    columns: {
      id: internal,
      code: internal,
      name: internal,
      kind: internal,
      unit: internal,
      created_at: internal,
      retired_at: internal,
    },
  },
  production_definitions: {
    description: 'Versioned product definitions: bill of materials and routing.',
    columns: {
      id: internal,
      material_id: internal,
      version: internal,
      state: internal,
      bom: knowHow,
      routing: knowHow,
      reason: internal,
      created_at: internal,
      created_by: actor,
      released_at: internal,
    },
  },
  production_attachments: {
    description: 'Work instructions and drawings attached to an operation of a definition.',
    columns: {
      id: internal,
      definition_id: internal,
      operation: internal,
      filename: internal,
      media_type: internal,
      size: internal,
      sha256: internal,
      content: knowHow,
      created_at: internal,
      created_by: actor,
    },
  },
  production_orders: {
    description: 'Work orders: what to make, how many, on which line, and what was made.',
    columns: {
      id: internal,
      number: internal,
      material_id: internal,
      definition_id: internal,
      quantity: process,
      line_path: process,
      state: process,
      good_quantity: process,
      scrap_quantity: process,
      erp_reference: internal,
      created_at: internal,
      closed_at: internal,
      due_at: internal,
    },
  },
  production_order_operations: {
    description: 'The operations of a work order and their progress.',
    rowKey: ['order_id', 'sequence'],
    columns: {
      order_id: internal,
      sequence: internal,
      name: internal,
      work_cell: process,
      state: process,
      good_quantity: process,
      scrap_quantity: process,
      started_at: process,
      completed_at: process,
    },
  },
};
