import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { canonicalDigest } from '../src/kernel/digest.js';
import type { DomainEvent } from '../src/kernel/events.js';
import { defineCommand, type Actor } from '../src/kernel/pipeline/types.js';
import { authenticate } from '../src/modules/identity/sessions.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { enrolMfa, totpNow } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';
import { auditCount } from './support/records.js';

const release = defineCommand({
  name: 'batch.release',
  summary: 'Release a batch (test)',
  input: Type.Object({ batch: Type.String() }, { additionalProperties: false }),
  output: Type.Object({ released: Type.String() }, { additionalProperties: false }),
  errors: [],
  permission: 'batch.release',
  http: { method: 'POST', url: '/api/test/release', tags: ['test'] },
  signature: { meanings: ['released', 'approved'] },
  handler(ctx, input) {
    ctx.setTarget({ type: 'batch', id: input.batch });
    return Promise.resolve({ released: input.batch });
  },
});

// 21 CFR Part 11: 11.50 manifestation, 11.70 binding, 11.200 components, 11.300(d) misuse reported.
describe(`electronic signatures (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let clock: ManualClock;
  let user: TestUser;
  let actor: Actor;
  let token: string;
  let secret: string;
  let events: DomainEvent[];

  beforeEach(async () => {
    clock = new ManualClock();
    t = await createTestBastion({}, clock);
    t.bastion.permissions.register({ name: 'batch.release', description: 'test', roles: ['quality'] });
    t.bastion.pipeline.register(release);
    // The route comes from the command's own `http` once it is registered, as for any module's command.
    app = await buildHttpApp(t.bastion);
    user = await makeUser(t.bastion, app, { username: 'quincy', roles: [{ role: 'quality' }] });
    const session = await sessionOf(app, user);
    secret = (await enrolMfa(app, session, clock.now())).secret;
    token = session.token;
    actor = (await authenticate(t.bastion.storage.db, token, clock.now(), { idleMs: 3_600_000 }))!.actor;
    events = [];
    t.bastion.events.subscribe('*', (event) => void events.push(event));
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  const sign = (batch: string, signature?: Record<string, string>) =>
    t.bastion.pipeline.execute('batch.release', { batch }, actor, { channel: 'http' }, signature as never);
  const lastRecord = async () => {
    const row = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('body')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.body) as {
      action: string;
      outcome: string;
      details?: { signature?: Record<string, string> };
    };
  };

  it('refuses a change that needs a signature when none, or a meaning it does not allow, is given', async () => {
    await expect(sign('B-1')).rejects.toMatchObject({ code: 'signature_required' });
    await expect(sign('B-1', { meaning: 'authored', password: user.password })).rejects.toMatchObject({
      code: 'signature_required',
    });
  });

  it('needs every component at the first signing of a session, the password alone afterwards', async () => {
    clock.advance(31_000);
    await expect(sign('B-1', { meaning: 'released', password: user.password })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(
      sign('B-1', { meaning: 'released', password: user.password, username: 'quincy' }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    const first = await sign('B-1', {
      meaning: 'released',
      password: user.password,
      username: 'quincy',
      totp: totpNow(secret, clock.now()),
    });
    expect(first).toEqual({ released: 'B-1' });
    const record = await lastRecord();
    expect(record.details!.signature).toEqual({
      signerId: user.id,
      meaning: 'released',
      signedAt: new Date(clock.now()).toISOString(),
      digest: canonicalDigest({ command: 'batch.release', input: { batch: 'B-1' } }),
    });
    expect(record.details!.signature!.digest).not.toBe(
      canonicalDigest({ command: 'batch.release', input: { batch: 'B-2' } }),
    );
    await expect(sign('B-2', { meaning: 'approved', password: 'not my password!' })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(await sign('B-2', { meaning: 'approved', password: user.password })).toEqual({ released: 'B-2' });
  });

  it('records every failed signing, raises a security event at the third and ends the session at the fifth', async () => {
    const before = await auditCount(t.bastion);
    const fail = () => expect(sign('B-9', { meaning: 'released', password: 'wrong password!!' })).rejects.toBeDefined();
    const raised = () => events.filter((e) => e.type === 'security.signature-failures').length;
    const live = async () =>
      (await authenticate(t.bastion.storage.db, token, clock.now(), { idleMs: 3_600_000 }))?.actor;
    for (let i = 0; i < 2; i++) await fail();
    expect(raised()).toBe(0);
    await fail();
    expect(await auditCount(t.bastion)).toBe(before + 6); // each: the failure record and the refused attempt
    expect(raised()).toBe(1);
    await fail();
    expect((await live())?.sessionId).toBe(actor.sessionId); // four failures leave the session usable
    await fail();
    expect(await live()).toBeUndefined(); // the session's own token no longer authenticates
    const session = await t.bastion.storage.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('id', '=', actor.sessionId!)
      .executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
  });

  it('takes the signature over HTTP beside the input, never inside it', async () => {
    const session = await sessionOf(app, user);
    await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: session.headers,
      payload: { code: totpNow(secret, clock.now() + 30_000) },
    });
    clock.advance(61_000);
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/api/test/release', headers: session.headers, payload });
    expect((await post({ batch: 'B-7' })).statusCode).toBe(400);
    const signature = {
      meaning: 'released',
      password: user.password,
      username: 'quincy',
      totp: totpNow(secret, clock.now()),
    };
    const response = await post({ input: { batch: 'B-7' }, signature });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ released: 'B-7' });
    expect(JSON.stringify(await lastRecord())).not.toContain(user.password);
  });
});
