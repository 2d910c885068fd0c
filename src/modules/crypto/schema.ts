import type { ModuleMigration } from '../../kernel/store.js';

/** The data-encryption keys: never in clear, each wrapped (AES-256-GCM) by the key-encryption key `kek_id`. */
export interface CryptoTables {
  crypto_keys: {
    id: string;
    purpose: string;
    /** The data subject (a user id) of a personal key; '' for a purpose's shared key (NULL is not unique on both). */
    subject: string;
    version: number;
    /** base64url of IV, ciphertext and tag; '' once the key is retired or shredded (the material is gone). */
    wrapped: string;
    kek_id: string;
    state: KeyState;
    created_at: number;
    retired_at: number | null;
  };
}

export type KeyState = 'active' | 'decrypt-only' | 'retired' | 'shredded';

export const cryptoMigrations: ModuleMigration[] = [
  {
    name: '0001_crypto_keys',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('crypto_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('kek_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('retired_at', big)
        .addUniqueConstraint('crypto_keys_version_unique', ['purpose', 'subject', 'version'])
        .execute();
      await db.schema.createIndex('crypto_keys_subject').on('crypto_keys').column('subject').execute();
    },
  },
];
