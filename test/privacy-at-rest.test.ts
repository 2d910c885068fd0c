import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldUnreadableError } from '../src/kernel/privacy/cipher.js';
import type { TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { databaseText } from './support/database-text.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { enrolledSession, loginAttempt, makeUser, type TestUser } from './support/identity.js';

/** Set points and limits no other field can hold by chance: a leak is found by searching the raw bytes. */
const VALUES = { setPoint: 8731.2468, low: 8001.1357, high: 9123.9753 };
const STEP = 'Purge the barrel with Quenzolite blend 7';
const parameters = [{ name: 'barrel temperature', unit: '°C', ...VALUES, critical: true }];

// Issue 15: restricted data (recipe values, people's names) is stored sealed; people can be exported and erased.
describe(`data protection at rest (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let officers: { user: TestUser; session: Session }[];
  let subject: TestUser;

  const post = (url: string, payload: object, session: Session, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...session.headers, ...headers }, payload });

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
    expect(
      (await post('/api/materials', { code: 'GEAR', name: 'gear', kind: 'finished', unit: 'pcs' }, admin)).statusCode,
    ).toBe(200);
    const recipe = { code: 'RX-GEAR', name: 'gear moulding', product: 'GEAR', parameters, reason: 'first version' };
    expect(
      (await post('/api/recipes', { ...recipe, steps: [{ name: 'purge', instruction: STEP }] }, admin)).statusCode,
    ).toBe(200);
    // A full-value read with an idempotency key: its stored first answer holds every value.
    const read = await post('/api/recipes/read', { recipe: 'RX-GEAR', version: 1 }, admin, {
      'idempotency-key': 'read-rx-gear-0001',
    });
    expect(read.json().parameters[0].setPoint).toBe(VALUES.setPoint);
    officers = [];
    for (const name of ['olga', 'otto']) {
      const user = await makeUser(t.bastion, app, { username: name, roles: [{ role: 'security-officer' }] });
      officers.push({ user, session: await enrolledSession(app, user) });
    }
    subject = await makeUser(t.bastion, app, { username: 'ottilie', roles: [{ role: 'operator' }] });
  });

  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  it('keeps every recipe value, procedure step and person name out of the raw database and the log', async () => {
    const stored = await databaseText(t);
    expect(stored).toContain('RX-GEAR'); // the scan does see the recipe tables
    const secrets = [
      ...Object.values(VALUES).map(String),
      STEP,
      'Test ottilie',
      'Test olga',
      'Bootstrap administrator',
    ];
    for (const value of secrets) {
      expect(stored.includes(value), `database holds ${value}`).toBe(false);
      expect(t.logs.text.includes(value), `log holds ${value}`).toBe(false);
    }
    // ...while the API still answers them to whoever may read them.
    const full = await post('/api/recipes/read', { recipe: 'RX-GEAR', version: 1 }, admin);
    expect(full.json().parameters[0]).toMatchObject(VALUES);
    const user = await app.inject({ url: `/api/users/${subject.id}`, headers: admin.headers });
    expect(user.json().user.displayName).toBe('Test ottilie');
  });

  it('refuses to open a recipe version whose sealed values were copied from another version', async () => {
    const draft = await post(
      '/api/recipes/versions',
      { recipe: 'RX-GEAR', parameters, steps: [], reason: 'second version' },
      admin,
    );
    expect(draft.statusCode).toBe(200);
    const db = t.bastion.storage.db;
    const first = await sql<{ parameters: string }>`select parameters from recipe_versions where version = 1`.execute(
      db,
    );
    await sql`update recipe_versions set parameters = ${first.rows[0]!.parameters} where version = 2`.execute(db);
    const read = await post('/api/recipes/read', { recipe: 'RX-GEAR', version: 2 }, admin);
    expect(read.statusCode).toBe(500);
    expect(read.json().code).toBe('field_unreadable');
    expect(read.body).not.toContain(String(VALUES.setPoint));
  });

  it('exports a person, then erases them with a second officer: the name is shredded, the export empty, the log verifies', async () => {
    const [first, second] = officers as [(typeof officers)[0], (typeof officers)[0]];
    const exported = await post('/api/privacy/subjects/export', { subject: 'ottilie' }, first.session);
    expect(exported.statusCode).toBe(200);
    expect(exported.json().records.users[0]).toMatchObject({ username: 'ottilie', display_name: 'Test ottilie' });
    expect(exported.json().records.role_grants).toHaveLength(1);
    expect(exported.json().withheld).toContain('users.password_hash');
    expect(JSON.stringify(exported.json())).not.toContain('argon2id');

    const asked = await post(
      '/api/privacy/subjects/erase',
      { subject: 'ottilie', reason: 'left the company' },
      first.session,
    );
    expect(asked.statusCode).toBe(202);
    const { approvalId } = asked.json<{ approvalId: string }>();
    const own = await post(`/api/approvals/${approvalId}/approve`, {}, first.session);
    expect(own.statusCode).toBe(403); // the requester cannot approve their own erasure
    expect(
      (await post('/api/privacy/subjects/export', { subject: 'ottilie' }, first.session)).json().erasedAt,
    ).toBeNull();
    const approved = await post(`/api/approvals/${approvalId}/approve`, {}, second.session);
    expect(approved.statusCode).toBe(200);

    const row = await sql<{
      username: string;
      display_name: string;
    }>`select username, display_name from users where id = ${subject.id}`.execute(t.bastion.storage.db);
    expect(row.rows[0]!.username).toBe(`erased-${subject.id}`);
    const opening = t.bastion.context.cipher.open(row.rows[0]!.display_name, {
      table: 'users',
      column: 'display_name',
      row: subject.id,
    });
    await expect(opening).rejects.toBeInstanceOf(FieldUnreadableError);
    await expect(opening).rejects.toMatchObject({ reason: 'shredded' });

    const after = await post('/api/privacy/subjects/export', { subject: subject.id }, first.session);
    expect(after.json()).toMatchObject({ subjectId: subject.id, records: {}, withheld: [] });
    expect(after.json().auditRecords).toBeGreaterThan(0); // the logins and the password change, kept
    expect(after.json().erasedAt).not.toBeNull();
    expect(JSON.stringify(after.json())).not.toContain('ottilie');
    expect((await loginAttempt(app, 'ottilie', subject.password)).statusCode).toBe(401);
    expect((await loginAttempt(app, `erased-${subject.id}`, subject.password)).statusCode).toBe(401);

    const register = await app.inject({
      url: `/api/privacy/requests?subjectId=${subject.id}`,
      headers: second.session.headers,
    });
    expect(register.json().items.map((r: { kind: string }) => r.kind)).toEqual(['export', 'erase', 'export', 'export']);
    await t.bastion.audit.checkpointNow();
    const verify = await cli(['audit', 'verify'], t.env);
    expect(verify.stdout).toContain('audit log OK');
    expect(verify.code).toBe(0);
  });

  it('exports a person through the CLI and holds a CLI erasure for a second person', async () => {
    const person = await makeUser(t.bastion, app, { username: 'pavel' });
    const exported = await cli(['privacy', 'export', 'pavel'], t.env);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).records.users[0].display_name).toBe('Test pavel');
    const erase = await cli(['privacy', 'erase', 'pavel', '--reason', 'asked to be forgotten'], t.env);
    expect(erase.code).toBe(0);
    expect(erase.stdout).toMatch(/needs the approval of a second person \(approval [0-9a-f-]{36}\)/);
    const unchanged = await sql<{
      erased_at: number | null;
    }>`select erased_at from users where id = ${person.id}`.execute(t.bastion.storage.db);
    expect(unchanged.rows[0]!.erased_at).toBeNull();
    const bootstrap = await cli(['privacy', 'erase', 'admin', '--reason', 'no recovery account'], t.env);
    expect(bootstrap.code).not.toBe(0); // refused at once, never held for an approval that could not run
    expect(bootstrap.stderr).toContain('recovery account');
    const held = await sql<{
      n: number;
    }>`select count(*) as n from command_approvals where command = 'privacy.subject.erase'`.execute(
      t.bastion.storage.db,
    );
    expect(Number(held.rows[0]!.n)).toBe(2); // ottilie's (approved) and pavel's
    const unknown = await cli(['privacy', 'export', 'nobody-here'], t.env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No person nobody-here');
  });

  it('seals values left in clear from before encryption with `bastion keys seal`, and they read as before', async () => {
    const db = t.bastion.storage.db;
    const person = await makeUser(t.bastion, app, { username: 'legacy' });
    await sql`update recipe_versions set parameters = ${JSON.stringify(parameters)} where version = 1`.execute(db);
    await sql`update users set display_name = ${'Lena Legacy'} where id = ${person.id}`.execute(db);
    const sealed = await cli(['keys', 'seal'], t.env);
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toContain('recipe_versions.parameters: 1 value(s) sealed');
    expect(sealed.stdout).toContain('users.display_name: 1 value(s) sealed');
    const stored = await sql<{ parameters: string }>`select parameters from recipe_versions where version = 1`.execute(
      db,
    );
    expect(stored.rows[0]!.parameters).toMatch(/^f1\./);
    const name = await sql<{ display_name: string }>`select display_name from users where id = ${person.id}`.execute(
      db,
    );
    expect(name.rows[0]!.display_name).toMatch(/^f1\./);
    const full = await post('/api/recipes/read', { recipe: 'RX-GEAR', version: 1 }, admin);
    expect(full.json().parameters[0]).toMatchObject(VALUES);
    const user = await app.inject({ url: `/api/users/${person.id}`, headers: admin.headers });
    expect(user.json().user.displayName).toBe('Lena Legacy');
    const again = await cli(['keys', 'seal'], t.env);
    expect(again.stdout).toContain('No clear value left in an encrypted column.');
  });
});
