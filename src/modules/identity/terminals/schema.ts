import type { ModuleMigration } from '../../../kernel/store.js';

export interface TerminalTables {
  /**
   * A registered shop-floor terminal: its own identity, bound to one line. The enrolment code and the
   * terminal's secret are kept only as SHA-256 digests (both are long random values, so a digest suffices).
   */
  terminals: {
    id: string;
    name: string;
    line: string;
    enrolment_code_hash: string | null;
    enrolment_expires_at: number;
    secret_hash: string | null;
    enrolled_at: number | null;
    last_seen_at: number | null;
    revoked_at: number | null;
    created_at: number;
    created_by: string;
  };
  /**
   * One badge per account. The badge number is kept only as an HMAC under a key outside the database (a blind
   * index: found again without being readable); the PIN as argon2id. Failures lock the badge, not the account.
   */
  user_badges: {
    user_id: string;
    badge_index: string;
    pin_hash: string;
    failures: number;
    locked_until: number | null;
    assigned_at: number;
    assigned_by: string;
  };
}

export const terminalMigrations: ModuleMigration[] = [
  {
    name: '0210_identity_terminals',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('terminals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('enrolment_code_hash', 'text', (c) => c.unique())
        .addColumn('enrolment_expires_at', big, (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.unique())
        .addColumn('enrolled_at', big)
        .addColumn('last_seen_at', big)
        .addColumn('revoked_at', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('user_badges')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
        .addColumn('badge_index', 'text', (c) => c.notNull().unique())
        .addColumn('pin_hash', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', big)
        .addColumn('assigned_at', big, (c) => c.notNull())
        .addColumn('assigned_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('sessions').addColumn('terminal_id', 'text').execute();
      await db.schema.createIndex('sessions_terminal').on('sessions').column('terminal_id').execute();
    },
  },
];
