import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { buildHttpApp } from '../src/http/app.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import type { ReadDb } from '../src/kernel/store.js';
import type { MonitoringTables } from '../src/modules/monitoring/schema.js';
import { cefHeader, cefValue, sdValue } from '../src/modules/monitoring/notify/syslog-format.js';
import type { AlertMessage } from '../src/modules/monitoring/notify/message.js';
import { webhookNotifier } from '../src/modules/monitoring/notify/webhook.js';
import { backoff } from '../src/modules/monitoring/notify/worker.js';
import {
  makeCertificate,
  startSmtp,
  SyslogReceiver,
  verifySignature,
  WebhookReceiver,
} from './support/alert-receivers.js';
import { LogCapture, testEnvironment } from './support/bastion.js';
import { adminSession, httpTestBastion } from './support/http.js';
import { eventually, freePort, until } from './support/eventually.js';

const SECRET = 'webhook shared secret 7f3a9c';
const SMTP_PASSWORD = 'smtp relay password 51d2';

interface Running {
  bastion: Bastion;
  app: FastifyInstance;
  monitoring: RunningMonitoring;
  close(): Promise<void>;
}

/** An initialised data directory whose configuration names `notifiers`; `open` starts Bastion on it (again). */
async function instance(dir: string, notifiers: object[]) {
  const configFile = join(dir, 'bastion.config.json');
  const monitoring = { retry: { initialMs: 100, maxMs: 400 }, notifiers };
  writeFileSync(configFile, JSON.stringify({ monitoring }));
  const environment = await testEnvironment({ BASTION_CONFIG: configFile });
  const config = loadConfig({ env: environment.env, cwd: environment.dataDir });
  const logs = new LogCapture();
  const logger = createLogger('info', logs);
  await initialize(config, logger);
  const open = async (): Promise<Running> => {
    const bastion = await openBastion(config, { logger });
    const app = await buildHttpApp(bastion);
    const running = await startMonitoring(bastion, logger);
    const close = async () => {
      await running.stop();
      await app.close();
      await bastion.close();
    };
    return { bastion, app, monitoring: running, close };
  };
  return { open, logs, cleanup: environment.cleanup };
}

const bruteForce = async (r: Running) => {
  for (let i = 0; i < 5; i += 1) {
    const wrong = { username: 'admin', password: 'not the password 1' };
    expect((await r.app.inject({ method: 'POST', url: '/api/auth/login', payload: wrong })).statusCode).toBe(401);
  }
  await r.monitoring.settled();
};

const deliveries = (r: Running) =>
  (r.bastion.context.db as ReadDb<MonitoringTables>)
    .selectFrom('alert_deliveries')
    .selectAll()
    .orderBy('created_at')
    .execute();

describe('alert notifiers', () => {
  let dir: string;
  let tls: ReturnType<typeof makeCertificate>;
  let secretFile: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bastion-notify-'));
    tls = makeCertificate(dir);
    secretFile = join(dir, 'webhook.secret');
    writeFileSync(secretFile, `${SECRET}\n`);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  const webhook = (port: number) => ({
    type: 'webhook',
    name: 'hook',
    url: `https://127.0.0.1:${port}/alerts`,
    secretFile,
    caFile: tls.caFile,
  });

  it('escapes RFC 5424 parameter values and CEF header and extension fields', () => {
    expect(sdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    expect(cefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(cefValue('k=v\\w\r\nx|y')).toBe('k\\=v\\\\w\\r\\nx|y');
  });

  it('waits retry.initialMs after the first failure, doubling each time up to retry.maxMs', () => {
    const retry = { initialMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 60].map((attempts) => backoff(attempts, retry))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('refuses to send to an HTTPS webhook whose certificate the configured CAs do not vouch for', async () => {
    const hook = new WebhookReceiver(tls, SECRET, await freePort());
    await hook.start();
    cleanups.push(() => hook.stop());
    const config = { ...webhook(hook.port), caFile: undefined, minSeverity: 'low', escalation: false } as const;
    const env = {
      tls: { minVersion: 'TLSv1.2', ciphers: 'TLS_AES_256_GCM_SHA384' },
      version: '0',
      hostname: 'h',
    } as const;
    const notifier = webhookNotifier({ ...config, type: 'webhook' }, env, Date.now);
    const message = { deliveryId: 'd1', alertId: 'a1', rule: 'r', title: 't', severity: 'high' } as AlertMessage;
    await expect(notifier.send(message)).rejects.toThrow(/self-signed|certificate/i);
    expect(hook.calls).toEqual([]);
  });

  it('refuses a plain-http webhook URL to a host other than loopback, and an unreadable secret file, naming the key', () => {
    const env = {
      tls: { minVersion: 'TLSv1.2', ciphers: 'TLS_AES_256_GCM_SHA384' },
      version: '0',
      hostname: 'h',
    } as const;
    const base = { type: 'webhook', name: 'hook', secretFile, minSeverity: 'low', escalation: false } as const;
    expect(() => webhookNotifier({ ...base, url: 'http://alerts.plant.example/hook' }, env, Date.now)).toThrow(
      /"hook" url must be https/,
    );
    expect(() => webhookNotifier({ ...base, url: 'http://127.0.0.1:9/hook' }, env, Date.now)).not.toThrow();
    const missing = { ...base, url: 'https://127.0.0.1:9/hook', secretFile: join(dir, 'nothing-here') };
    expect(() => webhookNotifier(missing, env, Date.now)).toThrow(/"hook" secretFile cannot be read \(ENOENT\)/);
  });

  it('sends a brute-force alert to an HTTPS webhook (HMAC verified), syslog over TLS (RFC 5424 and CEF) and SMTP with STARTTLS and AUTH', async () => {
    const hook = new WebhookReceiver(tls, SECRET, await freePort());
    await hook.start();
    const syslog = new SyslogReceiver(tls);
    await syslog.start();
    const smtp = await startSmtp(tls, { user: 'bastion', pass: SMTP_PASSWORD });
    cleanups.push(
      () => hook.stop(),
      () => syslog.stop(),
      () => smtp.stop(),
    );
    const passwordFile = join(dir, 'smtp.password');
    writeFileSync(passwordFile, SMTP_PASSWORD);
    const siem = { type: 'syslog', host: '127.0.0.1', port: syslog.port, tls: true, caFile: tls.caFile };
    const env = await instance(dir, [
      webhook(hook.port),
      { ...siem, name: 'siem', format: 'rfc5424' },
      { ...siem, name: 'siem-cef', format: 'cef' },
      {
        ...{ type: 'email', name: 'mail', host: '127.0.0.1', port: smtp.port, caFile: tls.caFile },
        ...{ username: 'bastion', passwordFile, from: 'bastion@plant.example', to: ['soc@plant.example'] },
      },
    ]);
    cleanups.push(env.cleanup);
    const r = await env.open();
    cleanups.push(() => r.close());
    await bruteForce(r);
    await until(
      () => (hook.calls.length > 0 && syslog.messages.length === 2 && smtp.mails.length > 0 ? true : undefined),
      'all three receivers',
    );

    const [call] = hook.calls;
    expect(call!.verified).toBe(true);
    const body = JSON.parse(call!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'bastion.alert',
      rule: 'brute-force',
      severity: 'high',
      reason: 'raised',
      deliveryId: call!.deliveryId,
    });
    // A receiver's check fails on a changed body, a changed timestamp or another secret.
    expect(verifySignature(SECRET, call!.timestamp, call!.body.replace('"high"', '"low"'), call!.signature)).toBe(
      false,
    );
    expect(verifySignature(SECRET, String(Number(call!.timestamp) + 1), call!.body, call!.signature)).toBe(false);
    expect(verifySignature('another secret', call!.timestamp, call!.body, call!.signature)).toBe(false);

    const plain = syslog.messages.find((m) => !m.includes('CEF:0'))!;
    const cef = syslog.messages.find((m) => m.includes('CEF:0'))!;
    const header =
      /^<83>1 (\S+) (\S+) bastion \d+ brute-force \[bastion@32473 alert="([^"]+)" rule="brute-force" severity="high" reason="raised" count="\d+" technique="T0859" delivery="[^"]+"\] /;
    expect(plain).toMatch(header);
    expect(plain.match(header)![3]).toBe(body.alertId);
    expect(plain).toContain('\uFEFFRaised. Password guessing against one account');
    expect(cef).toMatch(header);
    expect(cef).toMatch(
      /\] CEF:0\|Bastion\|Bastion MES\|\d+\.\d+\.\d+\|brute-force\|Password guessing against one account\|8\|rt=\d+ externalId=/,
    );

    const [mail] = smtp.mails;
    expect(mail).toMatchObject({ user: 'bastion', secure: true });
    expect(mail!.header('subject')).toBe('[Bastion ALERT high] Password guessing against one account');
    expect(mail!.raw).toContain('Rule:        brute-force');
    for (const text of [call!.body, ...syslog.messages, mail!.raw]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SMTP_PASSWORD);
    }
    await r.monitoring.deliveriesSettled();
    const rows = await deliveries(r);
    expect(rows.map((row) => [row.notifier, Number(row.attempts), row.delivered_at !== null]).sort()).toEqual([
      ['hook', 1, true],
      ['mail', 1, true],
      ['siem', 1, true],
      ['siem-cef', 1, true],
    ]);
  });

  it('retries a webhook delivery with backoff while the receiver is down, reports it in health, and delivers it once the receiver is back', async () => {
    const hook = new WebhookReceiver(tls, SECRET, await freePort());
    cleanups.push(() => hook.stop());
    const env = await instance(dir, [webhook(hook.port)]);
    cleanups.push(env.cleanup);
    const r = await env.open();
    cleanups.push(() => r.close());
    await bruteForce(r);
    const failing = await until(async () => {
      const [row] = await deliveries(r);
      return row && Number(row.attempts) >= 3 && r.bastion.health.list().length > 0 ? row : undefined;
    }, 'three failed attempts');
    expect(failing.delivered_at).toBeNull();
    expect(failing.last_error!.length).toBeLessThanOrEqual(300);
    expect(failing.last_error).not.toContain(SECRET);
    expect(r.bastion.health.list().map((c) => c.name)).toContain('monitoring.notifier.hook');
    await hook.start();
    const delivered = await until(async () => {
      const [row] = await deliveries(r);
      return row?.delivered_at !== null ? row : undefined;
    }, 'the delivery after the receiver came back');
    expect(hook.calls.filter((c) => c.deliveryId === delivered.id)).toHaveLength(1);
    expect(hook.calls[0]!.verified).toBe(true);
    expect(r.bastion.health.list().map((c) => c.name)).not.toContain('monitoring.notifier.hook');
  });

  it('delivers exactly once, after a restart, an alert raised while the webhook receiver was down', async () => {
    const hook = new WebhookReceiver(tls, SECRET, await freePort());
    cleanups.push(() => hook.stop());
    const env = await instance(dir, [webhook(hook.port)]);
    cleanups.push(env.cleanup);
    const first = await env.open();
    await bruteForce(first);
    await until(async () => {
      const [row] = await deliveries(first);
      return row && Number(row.attempts) >= 1 ? row : undefined;
    }, 'a failed attempt');
    await first.close();
    await hook.start();
    const second = await env.open();
    cleanups.push(() => second.close());
    const delivered = await until(async () => {
      const [row] = await deliveries(second);
      return row?.delivered_at !== null ? row : undefined;
    }, 'the delivery after the restart');
    await second.monitoring.deliveriesSettled();
    await eventually(
      () => hook.calls.length,
      (n) => n > 1,
      1_000,
    ); // a second delivery would show here
    expect(hook.calls.map((c) => c.deliveryId)).toEqual([delivered.id]);
    expect((await deliveries(second)).filter((row) => row.delivered_at === null)).toEqual([]);
  });

  it('sends an escalation only to the notifiers that take escalations, marked escalated', async () => {
    const hook = new WebhookReceiver(tls, SECRET, await freePort());
    await hook.start();
    cleanups.push(() => hook.stop());
    const configFile = join(dir, 'bastion.config.json');
    const oncall = {
      ...webhook(hook.port),
      name: 'oncall',
      url: `https://127.0.0.1:${hook.port}/oncall`,
      escalation: true,
    };
    const monitoring = { retry: { initialMs: 100, maxMs: 400 }, notifiers: [webhook(hook.port), oncall] };
    writeFileSync(configFile, JSON.stringify({ monitoring }));
    const { t, app } = await httpTestBastion({ BASTION_CONFIG: configFile });
    cleanups.push(() => t.destroy());
    const running = await startMonitoring(t.bastion, t.logger);
    cleanups.push(
      () => app.close(),
      () => running.stop(),
    );
    const r: Running = { bastion: t.bastion, app, monitoring: running, close: () => Promise.resolve() };
    const admin = await adminSession(app, t);
    await bruteForce(r);
    await until(() => (hook.calls.length === 2 ? true : undefined), 'the raised alert at both webhooks');
    const alertId = (JSON.parse(hook.calls[0]!.body) as { alertId: string }).alertId;
    const escalated = await app.inject({
      method: 'POST',
      url: `/api/security/alerts/${alertId}/escalate`,
      headers: { ...admin.headers, 'x-csrf-token': admin.csrfToken },
    });
    expect(escalated.statusCode, escalated.body).toBe(200);
    await until(() => (hook.calls.length === 3 ? true : undefined), 'the escalation');
    await running.deliveriesSettled();
    expect(hook.calls.map((c) => [c.path, (JSON.parse(c.body) as { reason: string }).reason]).sort()).toEqual([
      ['/alerts', 'raised'],
      ['/oncall', 'escalated'],
      ['/oncall', 'raised'],
    ]);
  });
});
