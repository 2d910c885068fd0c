import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { databaseText } from './support/database-text.js';
import { adminSession, enrolMfa, NEW_ADMIN_PASSWORD } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';

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
