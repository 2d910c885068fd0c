import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { verifyConsistency, verifyInclusion } from '../src/modules/audit/merkle.js';
import { loadPublicKey, verifySignature } from '../src/kernel/keys/key-store.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, login, NEW_ADMIN_PASSWORD } from './support/http.js';
import { appendNotes, auditCount } from './support/records.js';

describe(`HTTP API (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;

  beforeEach(async () => {
    t = await createTestBastion({ BASTION_AUDIT_CHECKPOINT_EVERY: '4' });
    app = await buildHttpApp(t.bastion);
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  it('answers health and readiness probes with security headers', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(health.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('publishes OpenAPI 3.1 generated from the route schemas', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/audit/records', '/api/audit/records/{seq}', '/api/auth/login', '/healthz']),
    );
  });

  it('answers errors as RFC 9457 problem details without internals', async () => {
    const anonymous = await app.inject({ url: '/api/audit/records' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    expect(anonymous.json()).toMatchObject({
      type: 'urn:bastion:problem:unauthenticated',
      status: 401,
      title: 'Unauthorized',
    });
    const missing = await app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toMatch(/stack|at .*\.js/);
  });

  it('does not tell whether an account exists', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'not the password' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody', password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('forces the one-time password to be changed, refusing a bad new password without writing anything', async () => {
    const first = await login(app, 'admin', t.oneTimePassword);
    expect(first.mustChangePassword).toBe(true);
    const blocked = await app.inject({ url: '/api/audit/records', headers: first.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('password_change_required');

    const records = await auditCount(t.bastion);
    const hashBefore = (
      await t.bastion.storage.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()
    ).password_hash;
    const short = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first.headers,
      payload: { currentPassword: t.oneTimePassword, newPassword: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([expect.objectContaining({ path: '/newPassword' })]);
    expect(await auditCount(t.bastion)).toBe(records);
    expect(
      (await t.bastion.storage.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()).password_hash,
    ).toBe(hashBefore);

    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first.headers,
      payload: { currentPassword: t.oneTimePassword, newPassword: NEW_ADMIN_PASSWORD },
    });
    expect(changed.statusCode).toBe(200);
    const needsMfa = await app.inject({ url: '/api/audit/records', headers: first.headers });
    expect(needsMfa.json().code).toBe('mfa_enrolment_required'); // the administrator role needs a second factor
    await enrolMfa(app, first);
    const list = await app.inject({
      url: '/api/audit/records?action=identity.change-password',
      headers: first.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().records).toHaveLength(1);
    const again = await login(app, 'admin', NEW_ADMIN_PASSWORD);
    expect(again).toMatchObject({ mustChangePassword: false, mfa: 'pending' });
  });

  it('refuses bad bodies with one clear error and changes nothing', async () => {
    const session = await adminSession(app, t);
    const records = await auditCount(t.bastion);
    const cases = [
      { payload: '{"currentPassword": "x", ', type: 'application/json', status: 400, code: 'invalid_json' },
      {
        payload: 'currentPassword=x',
        type: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        payload: JSON.stringify({ currentPassword: 'x'.repeat(300_000), newPassword: 'y'.repeat(20) }),
        type: 'application/json',
        status: 413,
        code: 'body_too_large',
      },
      {
        payload: JSON.stringify({
          currentPassword: NEW_ADMIN_PASSWORD,
          newPassword: 'another long password',
          admin: true,
        }),
        type: 'application/json',
        status: 400,
        code: 'validation_failed',
      },
    ];
    for (const c of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { ...session.headers, 'content-type': c.type },
        payload: c.payload,
      });
      expect({ status: response.statusCode, code: response.json().code }).toEqual({ status: c.status, code: c.code });
    }
    expect(await auditCount(t.bastion)).toBe(records);
  });

  it('serves a record with an inclusion proof that verifies against the signed checkpoint', async () => {
    const session = await adminSession(app, t);
    await appendNotes(t.bastion, 9);
    const latest = (await app.inject({ url: '/api/audit/checkpoints/latest', headers: session.headers })).json<{
      treeSize: number;
      rootHash: string;
      body: string;
      signature: string;
    }>();
    const publicKey = loadPublicKey(t.bastion.publicKeyFile);
    expect(verifySignature(publicKey, Buffer.from(latest.body), Buffer.from(latest.signature, 'base64'))).toBe(true);
    for (let seq = 1; seq <= latest.treeSize; seq++) {
      const { proof, hash } = (await app.inject({ url: `/api/audit/records/${seq}`, headers: session.headers })).json<{
        hash: string;
        proof: { leafHash: string; path: string[]; treeSize: number; rootHash: string };
      }>();
      expect(proof.leafHash).toBe(hash);
      expect(proof.treeSize).toBe(latest.treeSize);
      expect(proof.rootHash).toBe(latest.rootHash);
      const ok = verifyInclusion(
        seq - 1,
        proof.treeSize,
        Buffer.from(hash, 'hex'),
        proof.path.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(latest.rootHash, 'hex'),
      );
      expect(ok).toBe(true);
    }
    const consistency = (
      await app.inject({ url: `/api/audit/consistency?from=4&to=${latest.treeSize}`, headers: session.headers })
    ).json<{ fromRoot: string; toRoot: string; path: string[] }>();
    const hex = (s: string) => Buffer.from(s, 'hex');
    expect(
      verifyConsistency(
        4,
        latest.treeSize,
        hex(consistency.fromRoot),
        hex(consistency.toRoot),
        consistency.path.map(hex),
      ),
    ).toBe(true);
    const report = (await app.inject({ url: '/api/audit/verification', headers: session.headers })).json<{
      ok: boolean;
      recordsChecked: number;
    }>();
    expect(report).toMatchObject({ ok: true, recordsChecked: await auditCount(t.bastion) });
    const pem = await app.inject({ url: '/api/audit/public-key', headers: session.headers });
    expect(pem.body).toBe(readFileSync(t.bastion.publicKeyFile, 'utf8'));
  });

  it('filters audit records and validates the query', async () => {
    const session = await adminSession(app, t);
    await appendNotes(t.bastion, 3);
    const notes = (
      await app.inject({ url: '/api/audit/records?action=test.note&limit=2', headers: session.headers })
    ).json<{ records: { seq: number; record: { action: string } }[] }>();
    expect(notes.records.map((r) => r.record.action)).toEqual(['test.note', 'test.note']);
    const next = (
      await app.inject({
        url: `/api/audit/records?action=test.note&afterSeq=${notes.records[1]!.seq}`,
        headers: session.headers,
      })
    ).json<{ records: unknown[] }>();
    expect(next.records).toHaveLength(1);
    const bad = await app.inject({ url: '/api/audit/records?limit=100000', headers: session.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
  });

  it('ends a session at logout, at once', async () => {
    const session = await adminSession(app, t);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: session.headers })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ url: '/api/auth/me', headers: session.headers })).statusCode).toBe(401);
  });

  it('stores no password, one-time password or session token in plain text', async () => {
    const session = await adminSession(app, t);
    const dump: string[] = [];
    for (const table of ['users', 'sessions', 'audit_records', 'command_idempotency', 'audit_checkpoints'] as const) {
      dump.push(JSON.stringify(await t.bastion.storage.db.selectFrom(table).selectAll().execute()));
    }
    const text = dump.join('\n');
    expect(text).toContain('argon2id');
    for (const secret of [t.oneTimePassword, NEW_ADMIN_PASSWORD, session.token]) expect(text).not.toContain(secret);
  });

  it('never writes a password or token to the log', async () => {
    const session = await adminSession(app, t);
    await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: NEW_ADMIN_PASSWORD },
    });
    await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"admin","password":"${NEW_ADMIN_PASSWORD}"`,
    });
    await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: NEW_ADMIN_PASSWORD, extra: 1 },
    });
    t.logger.info({ body: { password: NEW_ADMIN_PASSWORD }, token: session.token }, 'a careless log call');
    expect(t.logs.lines.length).toBeGreaterThan(10);
    expect(t.logs.text).toContain('incoming request');
    expect(t.logs.text).toContain('[redacted]');
    for (const secret of [t.oneTimePassword, NEW_ADMIN_PASSWORD, session.token])
      expect(t.logs.text).not.toContain(secret);
  });
});

describe(`HTTP rate limits (${testDialect})`, () => {
  it('answers 429 problem details past the limit', async () => {
    const t = await createTestBastion({ BASTION_HTTP_RATE_LIMIT: '5' });
    const app = await buildHttpApp(t.bastion);
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await app.inject({ url: '/healthz' })).statusCode);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const limited = await app.inject({ url: '/healthz' });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('rate_limited');
    } finally {
      await app.close();
      await t.destroy();
    }
  });
});
