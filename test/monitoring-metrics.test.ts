import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR } from '../src/kernel/actors.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import type { TestBastion } from './support/bastion.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';
import { testDialect } from './support/database.js';
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
    // Samples in every family first: an alert (labels), a verification (0/1 gauges), requests (histogram).
    const admin = await adminSession(app, t);
    for (let i = 0; i < 5; i += 1) await wrongLogin(app);
    expect((await app.inject({ url: '/api/audit/verification', headers: admin.headers })).statusCode).toBe(200);
    await monitoring.settled();
    const response = await scrape(app, bearer);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { code, output } = await promtoolCheck(response.body);
    expect(output).toBe('');
    expect(code).toBe(0);
    expect(sampleValue(response.body, 'bastion_audit_records')).toBeGreaterThan(0);
    expect(sampleValue(response.body, 'bastion_audit_last_verification_ok')).toBe(1);
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

  it('counts the values an ingest batch commits and the device messages it refused, by kind', async () => {
    await seedPlant(t.bastion);
    const device = { name: 'press-1', equipment: '/site-1/area-1/line-1', groupId: 'plant', edgeNodeId: 'press-1' };
    const { id } = await t.bastion.pipeline.execute<{ id: string }>(
      'ingest.device.register',
      device,
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
    const values = [1, 2, 3].map((n) => ({
      deviceId: id,
      metric: 'temperature',
      ts: Date.now() + n,
      num: n,
      text: null,
    }));
    const refused = { at: Date.now(), kind: 'unknown-device', deviceId: null, username: 'ghost', address: null };
    // As ingest's batcher commits what MQTT brought (ingest/batch.ts): the command, as the system, over mqtt.
    await t.bastion.pipeline.execute(
      'ingest.batch.commit',
      { values, quarantined: [], events: [{ ...refused, detail: null, count: 4 }] },
      SYSTEM_ACTOR,
      { channel: 'mqtt' },
    );
    const body = (await scrape(app, bearer)).body;
    expect(sampleValue(body, 'bastion_ingest_values_committed_total')).toBe(3);
    expect(sampleValue(body, 'bastion_ingest_messages_refused_total', { kind: 'unknown-device' })).toBe(4);
  });

  it('reports the PostgreSQL pool on PostgreSQL and no pool on SQLite', async () => {
    const body = (await scrape(app, bearer)).body;
    const total = sampleValue(body, 'bastion_database_connections', { state: 'total' });
    if (testDialect === 'postgres') expect(total).toBeGreaterThanOrEqual(1);
    else expect(total).toBeUndefined();
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
