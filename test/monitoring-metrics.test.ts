import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import type { TestBastion } from './support/bastion.js';
import { makeUser, sessionOf } from './support/identity.js';
import { promtoolCheck, sampleSum, sampleValue } from './support/prometheus.js';

const scrape = (app: FastifyInstance, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/metrics', headers });

const wrongLogin = (app: FastifyInstance) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: 'not the password 1' },
  });

describe('/metrics with a scrape token', () => {
  const token = randomBytes(32).toString('hex');
  const bearer = { authorization: `Bearer ${token}` };
  let dir: string;
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bastion-metrics-'));
    writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
    const config = { monitoring: { metrics: { tokenFile: join(dir, 'token') } } };
    writeFileSync(join(dir, 'bastion.config.json'), JSON.stringify(config));
    ({ t, app } = await httpTestBastion({ BASTION_CONFIG: join(dir, 'bastion.config.json') }));
    monitoring = await startMonitoring(t.bastion, t.logger);
  });
  afterEach(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the token in the Prometheus text format that promtool check metrics passes without a remark', async () => {
    await adminSession(app, t);
    const response = await scrape(app, bearer);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { code, output } = await promtoolCheck(response.body);
    expect(output).toBe('');
    expect(code).toBe(0);
    expect(sampleValue(response.body, 'bastion_audit_records')).toBeGreaterThan(0);
    expect(sampleValue(response.body, 'bastion_process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('counts one brute-force alert raised and the answered login requests by route pattern and status class', async () => {
    const before = (await scrape(app, bearer)).body;
    const refusedBefore = sampleSum(before, 'bastion_http_requests_total', {
      method: 'POST',
      route: '/api/auth/login',
      status_class: '4xx',
    });
    for (let i = 0; i < 5; i += 1) expect((await wrongLogin(app)).statusCode).toBe(401);
    await monitoring.settled();
    const after = (await scrape(app, bearer)).body;
    expect(sampleSum(after, 'bastion_alerts_raised_total', { rule: 'brute-force' })).toBe(1);
    expect(sampleValue(after, 'bastion_alerts_open', { severity: 'high', state: 'open' })).toBe(1);
    expect(sampleSum(after, 'bastion_http_requests_total', { route: '/api/auth/login', status_class: '4xx' })).toBe(
      refusedBefore + 5,
    );
    expect(
      sampleValue(after, 'bastion_http_request_duration_seconds_count', {
        route: '/api/auth/login',
        status_class: '4xx',
      }),
    ).toBe(refusedBefore + 5);
    expect(sampleSum(after, 'bastion_security_events_total', { kind: 'login.failed' })).toBeGreaterThanOrEqual(5);
  });

  it('refuses a scrape without a token, with a wrong token and with a session instead of the token (401 problem+json)', async () => {
    const admin = await adminSession(app, t);
    const wrong = { authorization: `Bearer ${randomBytes(32).toString('hex')}` };
    for (const headers of [{}, wrong, admin.headers, { authorization: token }]) {
      const response = await scrape(app, headers);
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });
});

describe('/metrics without a scrape token', () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;

  beforeEach(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  it('answers a session holding monitoring.metrics.read, 401 without a session and 403 to an operator', async () => {
    expect((await scrape(app, admin.headers)).statusCode).toBe(200);
    expect((await scrape(app)).statusCode).toBe(401);
    const operator = await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator' }] });
    const refused = await scrape(app, (await sessionOf(app, operator)).headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
