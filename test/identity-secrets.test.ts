import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, NEW_ADMIN_PASSWORD } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';

/** Everything the database holds, as text: the raw SQLite file and its WAL, or every PostgreSQL table. */
async function databaseText(t: Awaited<ReturnType<typeof createTestBastion>>): Promise<string> {
  if (testDialect === 'sqlite') {
    const file = join(t.dataDir, 'bastion.db');
    return [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(
    t.bastion.storage.db,
  );
  const dumps: string[] = [];
  for (const { tablename } of tables.rows) {
    const rows = await sql`select * from ${sql.table(tablename)}`.execute(t.bastion.storage.db);
    dumps.push(
      JSON.stringify(rows.rows, (_key, value: unknown) =>
        typeof value === 'object' && value !== null && 'type' in value && (value as { type: string }).type === 'Buffer'
          ? Buffer.from((value as unknown as { data: number[] }).data).toString('latin1')
          : value,
      ),
    );
  }
  return dumps.join('\n');
}

// IEC 62443-3-3 SR 1.5, SR 4.1; OWASP ASVS V2.4, V3.2, V7.1: no credential is stored or logged in clear.
describe(`no credential in clear (${testDialect})`, () => {
  it('stores and logs no password, session or CSRF token, TOTP secret or recovery code', async () => {
    const t = await createTestBastion();
    const app = await buildHttpApp(t.bastion);
    try {
      const admin = await adminSession(app, t);
      const engineer = await makeUser(t.bastion, app, { username: 'penny', roles: [{ role: 'process-engineer' }] });
      const session = await sessionOf(app, engineer);
      const { secret, recoveryCodes } = await enrolMfa(app, session);
      const created = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin.headers,
        payload: { username: 'newbie', displayName: 'New Bie' },
      });
      const oneTimePassword = created.json().oneTimePassword as string;
      const secrets = [
        t.oneTimePassword,
        NEW_ADMIN_PASSWORD,
        admin.token,
        admin.csrfToken,
        admin.secret,
        engineer.password,
        session.token,
        secret,
        ...recoveryCodes,
        oneTimePassword,
      ];
      const stored = await databaseText(t);
      expect(stored).toContain('argon2id'); // the scan does see the users table
      expect(stored.length).toBeGreaterThan(10_000);
      for (const value of secrets) {
        expect(stored.includes(value), `database holds ${value.slice(0, 4)}…`).toBe(false);
        expect(t.logs.text.includes(value), `log holds ${value.slice(0, 4)}…`).toBe(false);
      }
      expect(t.logs.lines.length).toBeGreaterThan(10);
    } finally {
      await app.close();
      await t.destroy();
    }
  });
});
