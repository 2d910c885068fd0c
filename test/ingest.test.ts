import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { batchRoot } from '../src/modules/ingest/batch-root.js';
import { startIngest, type RunningIngest } from '../src/modules/ingest/broker.js';
import { encodeSparkplug, decodeSparkplug } from '../src/modules/ingest/payloads.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const ns = (edge: string, type: string) => `spBv1.0/plant/${type}/${edge}`;
const birth = (seq: number) =>
  encodeSparkplug({
    timestamp: Date.now(),
    seq,
    metrics: [
      { name: 'temperature', alias: 1, type: 'Double', value: 21.5 },
      { name: 'count', alias: 2, type: 'UInt64', value: 0 },
    ],
  });
const data = (seq: number, temperature: number) =>
  encodeSparkplug({ timestamp: Date.now(), seq, metrics: [{ alias: 1, type: 'Double', value: temperature }] });

// Device ingestion over real MQTT clients and real TLS against the embedded broker (issue 5, items 1-5).
describe(`ingest over MQTT (${testDialect})`, () => {
  let t: TestBastion;
  let broker: RunningIngest;
  let ca: Buffer;
  const secrets = new Map<string, string>();
  const clients: MqttClient[] = [];

  const run = <R>(name: string, input: object) => t.bastion.pipeline.execute<R>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const connect = async (name: string, options: mqtt.IClientOptions = {}) => {
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      ca,
      clientId: name,
      username: name,
      password: secrets.get(name),
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const values = (metric: string) =>
    t.bastion.storage.db
      .selectFrom('ingest_values')
      .innerJoin('ingest_devices', 'ingest_devices.id', 'ingest_values.device_id')
      .select(['ingest_devices.name', 'ingest_values.value_num', 'ingest_values.batch_id'])
      .where('metric', '=', metric)
      .orderBy('ts')
      .execute();
  const events = async (kind: string) => {
    await broker.writer.drain();
    return t.bastion.storage.db.selectFrom('ingest_security_events').selectAll().where('kind', '=', kind).execute();
  };

  beforeAll(async () => {
    t = await createTestBastion();
    await seedPlant(t.bastion);
    for (const code of ['press', 'welder', 'oven', 'mixer'])
      await run('plant.node.create', { parentPath: LINE, level: 'equipment', code, name: code });
    for (const [name, edge] of [
      ['press-1', 'press'],
      ['welder-1', 'welder'],
      ['oven-1', 'oven'],
      ['mixer-1', 'mixer'],
    ] as const) {
      const device = await run<{ secret: string }>('ingest.device.register', {
        name,
        equipment: `${LINE}/${edge}`,
        groupId: 'plant',
        edgeNodeId: edge,
      });
      secrets.set(name, device.secret);
    }
    ca = readFileSync(join(t.dataDir, 'tls', 'server.crt'));
    const mqttConfig = { ...t.config.mqtt, port: 0, maxPayloadBytes: 1024, maxMessagesPerSecond: 50 };
    broker = await startIngest(t.bastion.context, { ...t.config, mqtt: mqttConfig }, t.logger);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
    await t.destroy();
  });

  it('commits NBIRTH and NDATA values before the QoS 1 acknowledgement, and chains the batch root', async () => {
    const press = await connect('press-1');
    await press.publishAsync(ns('press', 'NBIRTH'), birth(0), { qos: 1 });
    await press.publishAsync(ns('press', 'NDATA'), data(1, 22.25), { qos: 1 });
    // No wait: the PUBACK came only after the batch holding the message committed.
    const rows = await values('temperature');
    expect(rows.map((r) => [r.name, r.value_num])).toEqual([
      ['press-1', 21.5],
      ['press-1', 22.25],
    ]);
    const records = await listRecords(t.bastion.storage, { limit: 1000 });
    const batch = records.find((r) => r.record.target?.id === rows[1]!.batch_id)!;
    expect(batch.record.action).toBe('ingest.batch.commit');
    const stored = await t.bastion.storage.db
      .selectFrom('ingest_values')
      .select(['device_id as deviceId', 'metric', 'ts', 'value_num as num', 'value_text as text'])
      .where('batch_id', '=', rows[1]!.batch_id)
      .execute();
    const canonical = stored.map((r) => ({ ...r, ts: Number(r.ts) }));
    expect(batch.record.details).toMatchObject({ count: 1, root: batchRoot(canonical).toString('hex') });
  });

  it('refuses a wrong password and an unknown device, and records both', async () => {
    await expect(connect('welder-1', { password: 'not-the-secret' })).rejects.toThrow(/Bad username or password/i);
    await expect(connect('ghost', { password: 'whatever' })).rejects.toThrow(/Bad username or password/i);
    expect((await events('bad-credentials')).length).toBeGreaterThan(0);
    expect((await events('unknown-device')).map((e) => e.username)).toContain('ghost');
    expect(t.logs.text).not.toContain(secrets.get('welder-1')!);
  });

  it('refuses a plain (non-TLS) connection on the TLS port', async () => {
    const plain = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, connectTimeout: 2000 });
    const outcome = await new Promise<string>((resolve) => {
      plain.once('connect', () => resolve('connected'));
      plain.once('close', () => resolve('closed'));
      plain.once('error', () => resolve('error'));
    });
    plain.end(true);
    expect(outcome).not.toBe('connected');
  });

  it('closes a device that publishes outside its namespace, while another device keeps flowing', async () => {
    const welder = await connect('welder-1');
    const oven = await connect('oven-1');
    const closed = new Promise<void>((resolve) => welder.once('close', () => resolve()));
    welder.publish(ns('oven', 'NDATA'), data(0, 999));
    await closed;
    await oven.publishAsync(ns('oven', 'NBIRTH'), birth(0), { qos: 1 });
    expect((await values('temperature')).filter((r) => r.name === 'oven-1')).toHaveLength(1);
    expect((await values('temperature')).map((r) => r.value_num)).not.toContain(999);
    const refused = await events('namespace-violation');
    expect(refused.map((e) => e.detail)).toContain(`topic ${ns('oven', 'NDATA')}`);
  });

  it('refuses a malformed payload, records it, keeps what it acknowledged in quarantine, and takes the next good message', async () => {
    const oven = await connect('oven-1');
    await oven.publishAsync(ns('oven', 'NDATA'), Buffer.from([0xff, 0xff, 0xff]), { qos: 1 });
    await oven.publishAsync(ns('oven', 'NDATA'), data(1, 180), { qos: 1 });
    expect((await values('temperature')).map((r) => r.value_num)).toContain(180);
    expect(await events('malformed-payload')).toHaveLength(1);
    const aside = await t.bastion.storage.db.selectFrom('ingest_quarantine').select(['topic', 'payload']).execute();
    expect(aside).toEqual([
      { topic: ns('oven', 'NDATA'), payload: Buffer.from([0xff, 0xff, 0xff]).toString('base64') },
    ]);
  });

  it('answers a sequence gap with a rebirth request the edge node receives', async () => {
    const mixer = await connect('mixer-1');
    await mixer.subscribeAsync(ns('mixer', 'NCMD'));
    const command = new Promise<Buffer>((resolve) => mixer.once('message', (_topic, payload) => resolve(payload)));
    await mixer.publishAsync(ns('mixer', 'NBIRTH'), birth(0), { qos: 1 });
    await mixer.publishAsync(ns('mixer', 'NDATA'), data(5, 30), { qos: 1 });
    const request = decodeSparkplug(await command);
    expect(request.metrics).toMatchObject([{ name: 'Node Control/Rebirth', num: 1 }]);
    expect((await events('sequence-gap')).map((e) => e.detail)).toContain('expected 1, got 5');
  });
});
