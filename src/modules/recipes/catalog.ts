import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const actor = column('internal', ['personal']);
const seal = column('internal', ['security']);
/** Set points and limits as read back or recorded in a deviation: sealed like the version (sealed-content.ts). */
const sealedReading = column('restricted', ['trade-secret'], { purpose: 'recipe-values' });

/** Recipes, their versions and approvals, control recipes issued to orders, downloads, readbacks, deviations. */
export const recipesCatalog: DataCatalog = {
  recipes: {
    description: 'Master recipes: what they make, on which equipment class.',
    columns: {
      id: internal,
      code: internal,
      name: internal,
      material_id: internal,
      operation: internal,
      equipment_class: internal,
      classification: internal,
      created_at: internal,
    },
  },
  recipe_versions: {
    description: 'Versions of a recipe: parameters and steps, approvals, seal.',
    columns: {
      id: internal,
      recipe_id: internal,
      version: internal,
      state: internal,
      parameters: column('restricted', ['trade-secret'], { purpose: 'recipe-values' }),
      steps: column('restricted', ['trade-secret'], { purpose: 'recipe-values' }),
      reason: internal,
      author_id: actor,
      created_at: internal,
      approvals_required: internal,
      seal_digest: seal,
      seal_signature: seal,
      seal_key_id: seal,
      sealed_at: internal,
      effective_at: internal,
    },
  },
  recipe_approvals: {
    description: 'Approvals of a recipe version.',
    rowKey: ['version_id', 'approver_id'],
    columns: { version_id: internal, approver_id: actor, approved_at: internal },
  },
  recipe_control: {
    description: 'Control recipes: a sealed version issued to a work order.',
    columns: {
      id: internal,
      order_id: internal,
      version_id: internal,
      seal_digest: seal,
      issued_at: internal,
      issued_by: actor,
    },
  },
  recipe_downloads: {
    description: 'Downloads of a control recipe to equipment, and their confirmation.',
    columns: {
      id: internal,
      control_id: internal,
      order_id: internal,
      equipment: internal,
      state: internal,
      sent_at: internal,
      sent_by: actor,
      confirmed_at: internal,
    },
  },
  recipe_readbacks: {
    description: 'Values read back from equipment after a download.',
    rowKey: ['download_id', 'parameter'],
    columns: { download_id: internal, parameter: internal, reading: sealedReading, at: internal },
  },
  recipe_deviations: {
    description: 'Readings outside a parameter limit during an order.',
    columns: {
      id: internal,
      order_id: internal,
      control_id: internal,
      parameter: internal,
      kind: internal,
      reading: sealedReading,
      critical: internal,
      equipment: internal,
      at: internal,
    },
  },
  recipe_batch_records: {
    description: 'Signed electronic batch records, one revision per regeneration.',
    appendOnly: true,
    columns: {
      id: internal,
      order_id: internal,
      revision: internal,
      body: column('restricted', ['trade-secret'], { purpose: 'batch-records' }),
      digest: seal,
      signature: seal,
      key_id: seal,
      generated_at: internal,
      generated_by: actor,
    },
  },
};
