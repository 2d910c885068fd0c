import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');

/** The ISA-95 equipment hierarchy. */
export const plantCatalog: DataCatalog = {
  plant_nodes: {
    description: 'Enterprise, sites, areas, lines, work cells and equipment.',
    columns: {
      id: internal,
      parent_id: internal,
      level: internal,
      code: internal,
      path: internal,
      name: internal,
      equipment_class: internal,
      // Free-form equipment properties (capacities, settings) describe the process.
      properties: column('internal', ['process']),
      created_at: internal,
      retired_at: internal,
    },
  },
};
