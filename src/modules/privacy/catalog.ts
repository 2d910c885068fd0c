import type { DataCatalog } from '../../kernel/privacy/catalog.js';
import { subjectRequestCatalog } from './subjects/index.js';

/** The privacy module's own tables: the register of data-subject requests. */
export const privacyCatalog: DataCatalog = { ...subjectRequestCatalog };
