import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { openStorage } from '../src/storage/open.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { makeUser } from './support/identity.js';
import { EQUIPMENT, initPressDevice, publishNumbered } from './support/press-device.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

interface Reply {
  status: number;
  type: string;
  body: string;
}

/** HTTPS to the child process, trusting the certificate it made at init. */
function https(port: number, ca: Buffer, agent: Agent) {
  return (method: string, path: string, token?: string, payload?: object): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const body = payload ? JSON.stringify(payload) : undefined;
      const headers: Record<string, string> = {};
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = request({ host: '127.0.0.1', port, path, method, ca, agent, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** Operators report faults as fast as the server answers; every answer is kept by report number. */
function httpLoad(post: (n: number) => Promise<Reply>, workers: number) {
  const replies = new Map<number, Reply>();
  let next = 1;
  let running = true;
  const loop = async () => {
    while (running) {
      const n = next++;
      replies.set(n, await post(n));
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    replies,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * A device publishing numbered QoS 1 messages, up to 50 unacknowledged at a time. When Bastion closes the
 * connection (a batch that could not commit is never acknowledged) or refuses it (server unavailable), it
 * connects again and goes on with new numbers. Returns the numbers whose PUBACK arrived.
 */
function mqttLoad(url: string, options: mqtt.IClientOptions) {
  const acked = new Set<number>();
  let next = 1;
  let running = true;
  let client: MqttClient | undefined;
  const connected = () => mqtt.connectAsync(url, { ...options, reconnectPeriod: 0 }).catch(() => undefined);
  const session = async () => {
    // Waits on the condition (the broker takes the connection again), polled by `eventually`, never a fixed pause.
    const c = await eventually(connected, (made) => made !== undefined || !running, 60_000);
    if (!c) return;
    client = c;
    c.on('error', () => undefined);
    await publishNumbered(c, { window: 50, next: () => next++, acked, stopped: () => !running });
    await c.endAsync(true).catch(() => undefined);
  };
  const done = (async () => {
    while (running) await session();
  })();
  return {
    acked,
    stop: async () => {
      running = false;
      client?.end(true);
      await done;
    },
  };
}

// Issue 10, item 10b. The cluster is the test's own (it is stopped and started), whichever database the suite
// runs on, so the test runs in both passes.
describe(`a PostgreSQL restart under HTTP and MQTT load (suite on ${testDialect})`, () => {
  let cluster: PgCluster;
  let dataDir: string;
  let env: Record<string, string>;
  let secret: string;
  let password: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    requireBuiltCli();
    cluster = await startPgCluster();
    dataDir = mkdtempSync(join(tmpdir(), 'bastion-outage-'));
    env = {
      BASTION_DATA_DIR: dataDir,
      BASTION_DATABASE_URL: cluster.url,
      BASTION_LOG_LEVEL: 'warn',
      BASTION_PORT: String(await freePort()),
      BASTION_MQTT_PORT: String(await freePort()),
      BASTION_MQTT_MAX_RATE: '1000000',
    };
    secret = await initPressDevice(env, dataDir, async (bastion) => {
      const app = await buildHttpApp(bastion);
      ({ password } = await makeUser(bastion, app, { username: 'olli', roles: [{ role: 'operator' }] }));
      await app.close();
    });
  }, 120_000);

  afterAll(async () => {
    killIfRunning(child);
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives, answers 503 (and /readyz 503) during the outage, resumes by itself, and stores every acknowledged write', async () => {
    const server = await serveProcess(env);
    child = server.child;
    const exited = exitOf(server.child);
    const ca = readFileSync(join(dataDir, 'tls', 'server.crt'));
    const call = https(Number(env.BASTION_PORT), ca, new Agent({ keepAlive: true, maxSockets: 8 }));
    const login = await call('POST', '/api/auth/login', undefined, { username: 'olli', password });
    expect(login.status).toBe(200);
    const { token } = JSON.parse(login.body) as { token: string };
    const report = (n: number) =>
      call('POST', '/api/maintenance/orders', token, {
        equipment: EQUIPMENT,
        description: `outage report ${n}`,
        stopsEquipment: false,
      });
    const readyz = () => call('GET', '/readyz');
    const okCount = () => [...http.replies.values()].filter((r) => r.status < 300).length;

    // One operator at a time: maintenance order numbers are drawn as max + 1, which races between concurrent
    // transactions on PostgreSQL (a 500 unrelated to the outage); the device below writes concurrently.
    const http = httpLoad(report, 1);
    const device = mqttLoad(`mqtts://127.0.0.1:${env.BASTION_MQTT_PORT}`, {
      ca,
      clientId: 'press-1',
      username: 'press-1',
      password: secret,
    });
    try {
      await eventually(
        (): [number, number] => [okCount(), device.acked.size],
        ([h, m]) => h >= 20 && m >= 300,
        60_000,
      );

      await cluster.stop(); // every connection ends with 57P01, in-flight commands and batches included
      const unavailable = await eventually(
        () => [...http.replies.values()].find((r) => r.status === 503),
        (r) => r !== undefined,
      );
      const notReady = await eventually(readyz, (r) => r.status === 503);
      const ackedDuringOutage = device.acked.size;
      await cluster.start();

      expect(unavailable?.type).toContain('application/problem+json');
      expect(JSON.parse(unavailable!.body)).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect(notReady.status).toBe(503);
      const ready = await eventually(readyz, (r) => r.status === 200, 30_000);
      expect(JSON.parse(ready.body)).toEqual({ status: 'ready' });
      const before = okCount();
      await eventually(
        (): [number, number] => [okCount(), device.acked.size],
        ([h, m]) => h >= before + 20 && m >= ackedDuringOutage + 300,
        30_000,
      );
    } finally {
      await http.stop();
      await device.stop();
    }

    expect(server.child.exitCode).toBeNull(); // the process lived through it
    const statuses = new Set([...http.replies.values()].map((r) => r.status));
    expect([...statuses].filter((s) => s >= 300 && s !== 503)).toEqual([]); // 2xx or 503, never a 500
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.output()).toContain('Bastion stopped.');

    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    try {
      const orders = await storage.db.selectFrom('maintenance_orders').select('description').execute();
      const stored = new Set(orders.map((o) => o.description));
      const accepted = [...http.replies].filter(([, r]) => r.status < 300).map(([n]) => `outage report ${n}`);
      expect(accepted.filter((d) => !stored.has(d))).toEqual([]);
      const rows = await storage.db.selectFrom('ingest_values').select('value_num').where('metric', '=', 'n').execute();
      const values = new Set(rows.map((r) => Number(r.value_num)));
      expect([...device.acked].filter((n) => !values.has(n))).toEqual([]);
    } finally {
      await storage.close();
    }
    const verify = await cli(['audit', 'verify'], { ...env, BASTION_LOG_LEVEL: 'silent' });
    expect(verify.stdout).toContain('audit log OK');
  }, 180_000);
});
