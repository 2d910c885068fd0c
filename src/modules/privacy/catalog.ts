import type { DataCatalog } from '../../kernel/privacy/catalog.js';

/** The privacy module's own tables: none yet (subject requests and retention runs will add theirs). */
export const privacyCatalog: DataCatalog = {};
