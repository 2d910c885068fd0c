import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

export const cryptoCatalog: DataCatalog = {
  crypto_keys: {
    description: 'Data-encryption keys, each wrapped by the key-encryption key (never stored in clear).',
    columns: {
      id: column('internal'),
      purpose: column('internal', ['security']),
      subject: column('confidential', ['personal']),
      version: column('internal', ['security']),
      wrapped: column('restricted', ['credential', 'security']),
      kek_id: column('internal', ['security']),
      state: column('internal', ['security']),
      created_at: column('internal'),
      retired_at: column('internal'),
    },
  },
};
