import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const process = column('internal', ['process']);
const actor = column('internal', ['personal']);

/** Inspection plans, inspections and measurements, non-conformance reports. */
export const qualityCatalog: DataCatalog = {
  quality_plans: {
    description: 'Versioned inspection plans: characteristics and their limits.',
    columns: {
      id: internal,
      code: internal,
      version: internal,
      material_id: internal,
      operation: internal,
      characteristics: column('confidential', ['trade-secret']),
      state: internal,
      created_at: internal,
      created_by: actor,
    },
  },
  quality_inspections: {
    description: 'Inspections of a lot or order against a plan.',
    columns: {
      id: internal,
      plan_id: internal,
      lot_id: internal,
      order_id: internal,
      result: process,
      inspected_at: internal,
      inspected_by: actor,
    },
  },
  quality_measurements: {
    description: 'Measured values of an inspection.',
    rowKey: ['inspection_id', 'characteristic', 'sample'],
    columns: { inspection_id: internal, characteristic: internal, sample: internal, value: process, passed: process },
  },
  quality_ncrs: {
    description: 'Non-conformance reports and their disposition.',
    columns: {
      id: internal,
      number: internal,
      lot_id: internal,
      inspection_id: internal,
      description: internal,
      state: internal,
      disposition: internal,
      disposition_reason: internal,
      dispositioned_by: actor,
      approved_by: actor,
      created_at: internal,
      created_by: actor,
      closed_at: internal,
    },
  },
};
