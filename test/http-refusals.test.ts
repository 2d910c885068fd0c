import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import type { DomainEvent } from '../src/kernel/events.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { makeUser, sessionOf } from './support/identity.js';
import { auditCount } from './support/records.js';

const statuses = (responses: LightMyRequestResponse[]) =>
  responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.statusCode]: (n[r.statusCode] ?? 0) + 1 }), {});

async function sequentially(count: number, send: () => Promise<LightMyRequestResponse>) {
  const responses: LightMyRequestResponse[] = [];
  for (let i = 0; i < count; i++) responses.push(await send());
  return responses;
}

async function deniedRecords(t: TestBastion, actorId: string) {
  const records = await listRecords(t.bastion.storage, { limit: 10_000 });
  return records.map((r) => r.record).filter((r) => r.outcome === 'denied' && r.actor.id === actorId);
}

// Issue 10, item 3: refusals count against the rate limit, and a flood of identical denials is audited bounded.
describe(`refused and unauthenticated requests are rate limited (${testDialect})`, () => {
  const clock = new ManualClock();
  let t: TestBastion;
  let app: FastifyInstance;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    // A long limiter window, so the request counts below do not depend on how fast the machine is.
    t = await createTestBastion({ BASTION_HTTP_RATE_WINDOW: '3600', BASTION_AUDIT_DENIAL_WINDOW: '60' }, clock);
    app = await buildHttpApp(t.bastion);
    t.bastion.events.subscribe('security.denials.repeated', (event) => void events.push(event));
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('answers 3,000 requests of an account without permissions 403 up to the limit and 429 after; audits them in 2 records with the count', async () => {
    const nobody = await makeUser(t.bastion, app, { username: 'nobody' });
    const session = await sessionOf(app, nobody);
    const before = await auditCount(t.bastion);
    const responses = await sequentially(3000, () => app.inject({ url: '/api/users', headers: session.headers }));
    // http.rateLimitMax is 600 per window and account; the account's password change and logout were 2 of them.
    expect(statuses(responses)).toEqual({ 403: 598, 429: 2402 });
    expect(responses.at(-1)!.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    // Bound: the first denial of the series is audited at once, the 597 identical ones only counted.
    expect(await auditCount(t.bastion)).toBe(before + 1);
    await t.bastion.pipeline.flushDenials(); // what shutdown does (Bastion.close, serve's stop)
    expect(await auditCount(t.bastion)).toBe(before + 2);
    const [first, summary] = await deniedRecords(t, nobody.id);
    expect(first).toMatchObject({ action: 'http GET /api/users', outcome: 'denied' });
    expect(first!.details).toBeUndefined();
    expect(summary).toMatchObject({ action: 'http GET /api/users', outcome: 'denied', reason: first!.reason });
    expect(summary!.details).toMatchObject({ repeated: 597 });
    expect(events.at(-1)?.payload).toMatchObject({ action: 'http GET /api/users', repeated: 597 });
  });

  it('writes the count of a series when its window ends, and audits the next denial as a new first', async () => {
    const other = await makeUser(t.bastion, app, { username: 'other-nobody' });
    const session = await sessionOf(app, other);
    const deny = () => app.inject({ url: '/api/access/matrix', headers: session.headers });
    for (let i = 0; i < 3; i++) expect((await deny()).statusCode).toBe(403);
    expect(await deniedRecords(t, other.id)).toHaveLength(1);
    clock.advance(61_000); // audit.denialWindowSeconds is 60
    expect((await deny()).statusCode).toBe(403);
    const records = await deniedRecords(t, other.id);
    expect(records.map((r) => r.details?.repeated)).toEqual([undefined, 2, undefined]);
  });

  it('answers an unauthenticated flood from one address 401 up to the limit and 429 after, bad tokens too', async () => {
    const anonymous = await sequentially(700, () => app.inject({ url: '/api/users', remoteAddress: '10.9.0.1' }));
    expect(statuses(anonymous)).toEqual({ 401: 600, 429: 100 });
    const token = () => `Bearer ${randomBytes(32).toString('base64url')}`;
    const forged = await sequentially(700, () =>
      app.inject({ url: '/api/users', remoteAddress: '10.9.0.2', headers: { authorization: token() } }),
    );
    expect(statuses(forged)).toEqual({ 401: 600, 429: 100 });
    // Another address is not held back by them (a plant behind NAT is limited per account once logged in).
    expect((await app.inject({ url: '/api/users', remoteAddress: '10.9.0.3' })).statusCode).toBe(401);
  });
});

const SECURITY_HEADERS = {
  'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

// Issue 10, item 4: the security headers were missing from every refusal (the authorization hook ran before helmet).
describe(`security headers on every response (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestBastion({ BASTION_HTTP_RATE_LIMIT: '30', BASTION_HTTP_RATE_WINDOW: '3600' });
    const tls = join(t.dataDir, 'tls');
    const https = { cert: readFileSync(join(tls, 'server.crt')), key: readFileSync(join(tls, 'server.key')) };
    app = await buildHttpApp(t.bastion, { https });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('sends CSP with frame-ancestors, HSTS and nosniff on 200, 400, 401, 403, 404 and 429', async () => {
    const nobody = await makeUser(t.bastion, app, { username: 'nobody' });
    const session = await sessionOf(app, nobody);
    const ok = await app.inject({ url: '/healthz' });
    const invalid = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { user: 'x' } });
    const unauthenticated = await app.inject({ url: '/api/users' });
    const forbidden = await app.inject({ url: '/api/users', headers: session.headers });
    const missing = await app.inject({ url: '/no/such/route', headers: session.headers });
    const flood = await sequentially(31, () => app.inject({ url: '/api/users', remoteAddress: '10.9.0.9' }));
    const limited = flood.at(-1)!;
    const cases = { ok, invalid, unauthenticated, forbidden, missing, limited };
    expect(Object.fromEntries(Object.entries(cases).map(([k, r]) => [k, r.statusCode]))).toEqual({
      ok: 200,
      invalid: 400,
      unauthenticated: 401,
      forbidden: 403,
      missing: 404,
      limited: 429,
    });
    for (const response of Object.values(cases)) expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
