import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const process = column('internal', ['process']);

/** Material lots, serial numbers and the links between them (forward and backward trace). */
export const genealogyCatalog: DataCatalog = {
  genealogy_lots: {
    description: 'Material lots: received, produced, consumed, held.',
    columns: {
      key: internal,
      id: internal,
      number: internal,
      material_id: internal,
      quantity: process,
      available: process,
      unit: internal,
      state: process,
      hold_reason: internal,
      // Who supplies what is commercially sensitive.
      supplier: column('confidential', ['trade-secret']),
      supplier_lot: internal,
      order_id: internal,
      created_at: internal,
    },
  },
  genealogy_links: {
    description: 'Consumption of a parent lot into a child lot.',
    rowKey: ['parent', 'child'],
    columns: {
      parent: internal,
      child: internal,
      quantity: process,
      order_id: internal,
      created_at: internal,
      operation: internal,
    },
  },
  genealogy_serials: {
    description: 'Serial numbers of units, each in a lot.',
    rowKey: 'serial',
    columns: { serial: internal, lot_id: internal, created_at: internal },
  },
};
