import type { ModuleMigration } from '../../kernel/store.js';
import { terminalMigrations, type TerminalTables } from './terminals/schema.js';

export interface IdentityTables extends TerminalTables {
  users: {
    id: string;
    username: string;
    /** Printed under electronic signatures (21 CFR 11.50); personal data, never in the audit log. */
    display_name: string;
    kind: string;
    vendor: number;
    password_hash: string;
    must_change_password: number;
    is_bootstrap: number;
    disabled: number;
    expires_at: number | null;
    failed_logins: number;
    locked_until: number | null;
    /** TOTP secret, AES-256-GCM encrypted under the identity secrets key (never stored in clear). */
    totp_secret: string | null;
    totp_enabled: number;
    totp_last_step: number | null;
    created_at: number;
    created_by: string;
    password_changed_at: number | null;
    /** When a data-subject erasure closed the account (privacy module): its name is shredded, its id kept. */
    erased_at: number | null;
  };
  /** Sessions are looked up by the SHA-256 of their token; the token itself is never stored. */
  sessions: {
    id: string;
    token_hash: string;
    csrf_hash: string;
    user_id: string;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
    revoked_at: number | null;
    mfa_verified_at: number | null;
    signed_at: number | null;
    signature_failures: number;
    /** Set for a session opened by badge at a shop-floor terminal (confined to its line, short idle). */
    terminal_id: string | null;
  };
  role_grants: {
    id: string;
    user_id: string;
    role: string;
    scope: string;
    granted_by: string;
    created_at: number;
    expires_at: number | null;
    revoked_at: number | null;
  };
  custom_roles: { name: string; description: string; permissions: string; created_at: number; created_by: string };
  recovery_codes: { id: string; user_id: string; code_hash: string; used_at: number | null; created_at: number };
  /** Supervisor overrides (IEC 62443-3-3 SR 2.1 RE3): one permission, one scope, a reason, a short life. */
  overrides: {
    id: string;
    user_id: string;
    permission: string;
    scope: string;
    reason: string;
    granted_by: string;
    created_at: number;
    expires_at: number;
  };
}

export const identityMigrations: ModuleMigration[] = [
  {
    name: '0200_identity',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('vendor', 'integer', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull())
        .addColumn('is_bootstrap', 'integer', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull())
        .addColumn('expires_at', big)
        .addColumn('failed_logins', 'integer', (c) => c.notNull())
        .addColumn('locked_until', big)
        .addColumn('totp_secret', 'text')
        .addColumn('totp_enabled', 'integer', (c) => c.notNull())
        .addColumn('totp_last_step', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('password_changed_at', big)
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('last_seen_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .addColumn('revoked_at', big)
        .addColumn('mfa_verified_at', big)
        .addColumn('signed_at', big)
        .addColumn('signature_failures', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('role_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big)
        .addColumn('revoked_at', big)
        .execute();
      await db.schema.createIndex('role_grants_user').on('role_grants').column('user_id').execute();
      await db.schema
        .createTable('custom_roles')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('overrides')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('permission', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();
    },
  },
  ...terminalMigrations,
  {
    name: '0220_identity_erasure',
    async up(db, storage) {
      await db.schema.alterTable('users').addColumn('erased_at', storage.capabilities.bigIntType).execute();
    },
  },
];
