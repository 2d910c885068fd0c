import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { startIngest, type RunningIngest } from '../src/modules/ingest/broker.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const json = (value: number) =>
  Buffer.from(JSON.stringify({ timestamp: Date.now(), metrics: [{ name: 'rpm', value }] }));

// The device registry (quarantine, rotation, routes) and the per-message limits (issue 5, items 1 and 3).
describe(`ingest registry and limits (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let broker: RunningIngest;
  let ca: Buffer;
  const secrets = new Map<string, string>();
  const clients: MqttClient[] = [];

  const run = <R>(name: string, input: object) => t.bastion.pipeline.execute<R>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const connect = async (name: string) => {
    const options = { ca, clientId: `${name}:test`, username: name, password: secrets.get(name), reconnectPeriod: 0 };
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, options);
    clients.push(client);
    return client;
  };
  const count = async (table: 'ingest_values' | 'ingest_quarantine') =>
    Number(
      (await t.bastion.storage.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst())!.n,
    );
  const kinds = async () => {
    await broker.writer.drain();
    const rows = await t.bastion.storage.db.selectFrom('ingest_security_events').selectAll().execute();
    return rows.map((r) => [r.kind, r.username, Number(r.count)]);
  };

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    for (const name of ['lathe', 'robot', 'pump']) {
      await run('plant.node.create', { parentPath: LINE, level: 'equipment', code: name, name });
      const device = await run<{ secret: string }>('ingest.device.register', {
        name,
        equipment: `${LINE}/${name}`,
        groupId: 'plant',
        edgeNodeId: name,
      });
      secrets.set(name, device.secret);
    }
    ca = readFileSync(join(t.dataDir, 'tls', 'server.crt'));
    const mqttConfig = { ...t.config.mqtt, port: 0, maxPayloadBytes: 512, maxMessagesPerSecond: 20 };
    broker = await startIngest(t.bastion.context, { ...t.config, mqtt: mqttConfig }, t.logger);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
    await app.close();
    await t.destroy();
  });

  it('stores the secret only as a hash, refuses a second device in the same namespace', async () => {
    const row = await t.bastion.storage.db
      .selectFrom('ingest_devices')
      .selectAll()
      .where('name', '=', 'lathe')
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secrets.get('lathe'));
    const clash = { name: 'lathe-2', equipment: `${LINE}/lathe`, groupId: 'plant', edgeNodeId: 'lathe' };
    await expect(run('ingest.device.register', clash)).rejects.toMatchObject({ code: 'device_exists' });
  });

  it('accepts the JSON layout on its own topic', async () => {
    const lathe = await connect('lathe');
    await lathe.publishAsync('bastion/v1/lathe/data', json(1200), { qos: 1 });
    expect(await count('ingest_values')).toBe(1);
  });

  it('keeps a quarantined device’s messages aside, and ingests again once released', async () => {
    const robot = await connect('robot');
    await run('ingest.device.quarantine', { name: 'robot', reason: 'unexpected firmware' });
    await robot.publishAsync('bastion/v1/robot/data', json(1), { qos: 1 });
    expect(await count('ingest_quarantine')).toBe(1);
    expect(await count('ingest_values')).toBe(1);
    await run('ingest.device.release', { name: 'robot' });
    await robot.publishAsync('bastion/v1/robot/data', json(2), { qos: 1 });
    expect(await count('ingest_values')).toBe(2);
  });

  it('keeps oversized messages aside, slows a flooding device down without dropping any, and refuses foreign subscriptions', async () => {
    const pump = await connect('pump');
    await pump.publishAsync('bastion/v1/pump/data', Buffer.alloc(600, 0x20), { qos: 1 });
    await expect(pump.subscribeAsync('spBv1.0/plant/NCMD/lathe')).rejects.toThrow();
    const before = await count('ingest_values');
    const flood = await connect('lathe');
    // 40 at once against 20/s: the first second's worth at once, the rest held back, none dropped.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => flood.publishAsync('bastion/v1/lathe/data', json(i), { qos: 1 })),
    );
    expect((await count('ingest_values')) - before).toBe(40);
    const recorded = await kinds();
    expect(recorded).toContainEqual(['oversized', 'pump', 1]);
    // Acknowledged, so kept: in quarantine, cut at mqtt.maxPayloadBytes, with the size that came.
    const oversized = await t.bastion.storage.db
      .selectFrom('ingest_quarantine')
      .select(['size', 'payload'])
      .where('topic', '=', 'bastion/v1/pump/data')
      .execute();
    expect(oversized.map((m) => [m.size, Buffer.from(m.payload, 'base64').length])).toEqual([[600, 512]]);
    const flooding = recorded.filter(([kind]) => kind === 'flooding').reduce((n, [, , c]) => n + Number(c), 0);
    expect(flooding).toBeGreaterThanOrEqual(15);
    expect(recorded.some(([kind, user]) => kind === 'namespace-violation' && user === 'pump')).toBe(true);
  });

  it('ends live connections when the secret is rotated; the old secret stops working', async () => {
    const pump = await connect('pump').catch(() => connect('pump'));
    const closed = new Promise<void>((resolve) => pump.once('close', () => resolve()));
    const rotated = await run<{ secret: string }>('ingest.device.rotate', { name: 'pump' });
    await closed;
    await expect(connect('pump')).rejects.toThrow(/Bad username or password/i);
    secrets.set('pump', rotated.secret);
    expect((await connect('pump')).connected).toBe(true);
  });

  it('lists devices, events and quarantined messages over HTTP, never with a secret or its hash', async () => {
    const user = await makeUser(t.bastion, app, { username: 'maud', roles: [{ role: 'maintenance' }] });
    const session = await sessionOf(app, user);
    const devices = await app.inject({ url: '/api/ingest/devices', headers: session.headers });
    expect(devices.statusCode).toBe(200);
    expect(devices.json().items.map((d: { name: string }) => d.name)).toEqual(['lathe', 'pump', 'robot']);
    expect(devices.body).not.toMatch(/secret|[0-9a-f]{64}/);
    for (const url of ['/api/ingest/security-events', '/api/ingest/quarantine'])
      expect((await app.inject({ url, headers: session.headers })).statusCode).toBe(200);
    const register = await app.inject({
      method: 'POST',
      url: '/api/ingest/devices',
      headers: session.headers,
      payload: { name: 'x-1', equipment: LINE, groupId: 'g', edgeNodeId: 'e' },
    });
    expect(register.statusCode).toBe(403);
  });
});
