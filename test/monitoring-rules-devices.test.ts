import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { startIngest, type RunningIngest } from '../src/modules/ingest/broker.js';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { seedPlant } from './support/plant.js';

interface Alert {
  rule: string;
  groupKey: string;
  severity: string;
}

const LINE = '/site-1/area-1/line-1';
const json = (value: number) =>
  Buffer.from(JSON.stringify({ timestamp: Date.now(), metrics: [{ name: 'rpm', value }] }));

// rogue-device and message-flood fed by the embedded MQTT broker, with real clients over TLS (issue 16).
describe(`detection rules on device traffic (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let monitoring: RunningMonitoring;
  let broker: RunningIngest;
  let ca: Buffer;
  const devices = new Map<string, { id: string; secret: string }>();
  const clients: MqttClient[] = [];

  const run = <R>(name: string, input: object) => t.bastion.pipeline.execute<R>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const connect = async (name: string, password = devices.get(name)?.secret) => {
    const options = { ca, clientId: `${name}:test`, username: name, password, reconnectPeriod: 0 };
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, options);
    clients.push(client);
    return client;
  };
  const alerts = async (rule: string) => {
    await broker.writer.drain(); // refusals are committed with the next ingest batch
    await monitoring.settled();
    const page = await app.inject({ url: '/api/security/alerts', headers: admin.headers });
    return page.json<{ items: Alert[] }>().items.filter((a) => a.rule === rule);
  };
  const raised = (rule: string, groupKey: RegExp) =>
    eventually(
      () => alerts(rule),
      (found) => found.some((a) => groupKey.test(a.groupKey)),
    );

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    for (const name of ['lathe', 'robot', 'pump', 'drill']) {
      await run('plant.node.create', { parentPath: LINE, level: 'equipment', code: name, name });
      const device = await run<{ id: string; secret: string }>('ingest.device.register', {
        name,
        equipment: `${LINE}/${name}`,
        groupId: 'plant',
        edgeNodeId: name,
      });
      devices.set(name, { id: device.id, secret: device.secret });
    }
    ca = readFileSync(join(t.dataDir, 'tls', 'server.crt'));
    const mqttConfig = { ...t.config.mqtt, port: 0, maxMessagesPerSecond: 20 };
    broker = await startIngest(t.bastion.context, { ...t.config, mqtt: mqttConfig }, t.logger);
    monitoring = await startMonitoring(t.bastion, t.logger);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await monitoring.stop();
    await broker.close();
    await app.close();
    await t.destroy();
  });

  it('rogue-device and message-flood: a registered device publishing within its rate raises neither', async () => {
    const lathe = await connect('lathe');
    for (let i = 0; i < 5; i += 1) await lathe.publishAsync('bastion/v1/lathe/data', json(1200 + i), { qos: 1 });
    expect(await alerts('rogue-device')).toEqual([]);
    expect(await alerts('message-flood')).toEqual([]);
  });

  it('rogue-device: a client with a name no device is registered under raises a high alert', async () => {
    await expect(connect('ghost', 'not a device secret')).rejects.toThrow();
    const found = await raised('rogue-device', /^device=-\|address=/);
    expect(found.find((a) => a.groupKey.startsWith('device=-'))).toMatchObject({ severity: 'high' });
  });

  it('rogue-device: a registered device presenting a wrong secret raises an alert for that device', async () => {
    await expect(connect('pump', 'a wrong secret for the pump')).rejects.toThrow(/Bad username or password/i);
    const pump = devices.get('pump')!.id;
    const found = await raised('rogue-device', new RegExp(`^device=${pump}\\|`));
    expect(found.filter((a) => a.groupKey.startsWith(`device=${pump}|`))).toHaveLength(1);
  });

  it('rogue-device: a quarantined device that keeps publishing raises an alert for that device', async () => {
    const robot = await connect('robot');
    await run('ingest.device.quarantine', { name: 'robot', reason: 'unexpected firmware' });
    await robot.publishAsync('bastion/v1/robot/data', json(1), { qos: 1 });
    const id = devices.get('robot')!.id;
    const found = await raised('rogue-device', new RegExp(`^device=${id}\\|`));
    expect(found.find((a) => a.groupKey.startsWith(`device=${id}|`))).toMatchObject({ severity: 'high' });
  });

  it('message-flood: a device publishing twice its rate limit at once raises a high alert for that device', async () => {
    const drill = await connect('drill');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => drill.publishAsync('bastion/v1/drill/data', json(i), { qos: 1 })),
    );
    const id = devices.get('drill')!.id;
    const [alert, ...more] = await raised('message-flood', new RegExp(`^device=${id}$`));
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ severity: 'high', groupKey: `device=${id}` });
  });
});
