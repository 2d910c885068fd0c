import type { ModuleMigration } from '../../storage/migrations.js';

export interface IdentityTables {
  users: {
    id: string;
    username: string;
    password_hash: string;
    must_change_password: number;
    is_bootstrap: number;
    disabled: number;
    created_at: number;
    password_changed_at: number | null;
  };
  /** Sessions are looked up by the SHA-256 of their token; the token itself is never stored. */
  sessions: {
    id: string;
    token_hash: string;
    user_id: string;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
}

export const identityMigrations: ModuleMigration[] = [
  {
    name: '0200_identity_users_sessions',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull())
        .addColumn('is_bootstrap', 'integer', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('password_changed_at', big)
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('revoked_at', big)
        .execute();
    },
  },
];
