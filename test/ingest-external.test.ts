import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import type { CommandPort } from '../src/kernel/module.js';
import { startExternalIngest, type ExternalIngest } from '../src/modules/ingest/external.js';
import { defaultClientId } from '../src/modules/ingest/external-options.js';
import { decodeSparkplug, encodeSparkplug } from '../src/modules/ingest/payloads.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { seedPlant } from './support/plant.js';

// The Mosquitto on 127.0.0.1:1883 is shared with other tests and processes: every run takes its own share
// group and Sparkplug group, and its sessions end when it disconnects (session expiry 0).
const BROKER = 'mqtt://127.0.0.1:1883';
const run = randomBytes(4).toString('hex');
const GROUP = `bt-${run}`;
const env = { BASTION_MQTT_URL: BROKER, BASTION_MQTT_SHARED_GROUP: `bastion-${run}`, BASTION_MQTT_SESSION_EXPIRY: '0' };
const LINE = '/site-1/area-1/line-1';
const topic = (type: string, edge: string) => `spBv1.0/${GROUP}/${type}/${edge}`;
const birth = (seq: number) =>
  encodeSparkplug({
    timestamp: Date.now(),
    seq,
    metrics: [{ name: 'temperature', alias: 1, type: 'Double', value: 20 }],
  });
const data = (seq: number, value: number) =>
  encodeSparkplug({ timestamp: Date.now(), seq, metrics: [{ alias: 1, type: 'Double', value }] });
const json = (value: number) => JSON.stringify({ timestamp: Date.now(), metrics: [{ name: 'reading', value }] });

interface Instance {
  t: TestBastion;
  ingest: ExternalIngest;
}

/** `port` stands between ingest and the pipeline: a test makes commits fail there as a lost database would. */
async function instance(
  devices: [name: string, edge: string][],
  extra = {},
  port: (commands: CommandPort) => CommandPort = (commands) => commands,
): Promise<Instance> {
  const t = await createTestBastion({ ...env, ...extra });
  await seedPlant(t.bastion);
  const exec = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  for (const [name, edge] of devices) {
    await exec('plant.node.create', { parentPath: LINE, level: 'equipment', code: edge, name: edge });
    await exec('ingest.device.register', { name, equipment: `${LINE}/${edge}`, groupId: GROUP, edgeNodeId: edge });
  }
  const context = { ...t.bastion.context, commands: port(t.bastion.context.commands) };
  const ingest = startExternalIngest(context, t.config, t.logger);
  await ingest.ready;
  return { t, ingest };
}

const values = (i: Instance, metric: string) =>
  i.t.bastion.storage.db
    .selectFrom('ingest_values')
    .select(['value_num'])
    .where('metric', '=', metric)
    .orderBy('ts')
    .execute()
    .then((rows) => rows.map((r) => Number(r.value_num)));
const events = (i: Instance, kind: string) =>
  i.t.bastion.storage.db.selectFrom('ingest_security_events').selectAll().where('kind', '=', kind).execute();

// Issue 5 item 2: Bastion as a client of an external broker, with MQTT 5 shared subscriptions.
describe(`ingest through an external broker (${testDialect})`, () => {
  const DEVICES: [string, string][] = [
    ['press-1', 'press'],
    ['oven-1', 'oven'],
    ['meter-1', 'meter'],
  ];
  let a: Instance;
  let device: MqttClient;

  beforeAll(async () => {
    a = await instance(DEVICES);
    // Devices authenticate to the external broker (anonymous here): Bastion sees topics, not publishers.
    device = await mqtt.connectAsync(BROKER, { clientId: `device-${run}`, reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await device?.endAsync();
    await a?.ingest.close();
    await a?.t.destroy();
  });

  it('commits NBIRTH and NDATA values a device published to the external broker', async () => {
    await device.publishAsync(topic('NBIRTH', 'press'), birth(0), { qos: 1 });
    await device.publishAsync(topic('NDATA', 'press'), data(1, 21.5), { qos: 1 });
    await device.publishAsync(topic('NDATA', 'press'), data(2, 22.25), { qos: 0 });
    expect(
      await eventually(
        () => values(a, 'temperature'),
        (v) => v.length >= 3,
      ),
    ).toEqual([20, 21.5, 22.25]);
  });

  it('records and drops a message outside every registered namespace, while registered data keeps flowing', async () => {
    await device.publishAsync(topic('NDATA', 'ghost'), data(0, 999), { qos: 1 });
    await device.publishAsync(`bastion/v1/ghost-${run}/data`, json(998), { qos: 1 });
    await device.publishAsync(`bastion/v1/meter-1/data`, json(7), { qos: 1 });
    expect(
      await eventually(
        () => values(a, 'reading'),
        (v) => v.length >= 1,
      ),
    ).toEqual([7]);
    // Repeats in one batch are one row with a count (security.ts), so the count is what adds up.
    const total = (rows: { count: unknown; username: string | null }[]) =>
      rows.filter((r) => r.username?.includes(run)).reduce((n, r) => n + Number(r.count), 0);
    const refused = await eventually(
      () => events(a, 'namespace-violation'),
      (e) => total(e) >= 2,
    );
    expect(total(refused)).toBe(2);
    expect(refused.map((e) => e.detail)).toEqual(
      expect.arrayContaining([expect.stringContaining(topic('NDATA', 'ghost'))]),
    );
    expect(await values(a, 'temperature')).not.toContain(999);
  });

  it('refuses, records and keeps aside a malformed Sparkplug payload that came through the broker; others keep flowing', async () => {
    await device.publishAsync(topic('NBIRTH', 'oven'), birth(0), { qos: 1 });
    await device.publishAsync(topic('NDATA', 'oven'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x01, 0x42]), { qos: 1 });
    await device.publishAsync(`bastion/v1/meter-1/data`, json(8), { qos: 1 });
    expect(
      await eventually(
        () => values(a, 'reading'),
        (v) => v.includes(8),
      ),
    ).toContain(8);
    const malformed = await eventually(
      () => events(a, 'malformed-payload'),
      (e) => e.length >= 1,
    );
    expect(malformed.length).toBeGreaterThanOrEqual(1);
    // Acknowledged to the broker, so kept: aside, for review.
    const aside = await a.t.bastion.storage.db.selectFrom('ingest_quarantine').select('topic').execute();
    expect(aside.map((m) => m.topic)).toEqual([topic('NDATA', 'oven')]);
  });

  it('publishes rebirth requests back through the broker, and keeps a quarantined device aside', async () => {
    await device.subscribeAsync(topic('NCMD', 'oven'));
    const command = new Promise<Buffer>((resolve) => device.once('message', (_t, payload) => resolve(payload)));
    await device.publishAsync(topic('NDATA', 'oven'), data(4, 180), { qos: 1 }); // data before any birth
    expect(decodeSparkplug(await command).metrics).toMatchObject([{ name: 'Node Control/Rebirth' }]);

    const reason = { name: 'oven-1', reason: 'suspicious values' };
    await a.t.bastion.pipeline.execute('ingest.device.quarantine', reason, CONSOLE_ACTOR, CLI_ORIGIN);
    const aside = a.t.bastion.storage.db.selectFrom('ingest_quarantine').selectAll();
    const before = (await aside.execute()).length; // the malformed message of the test before is aside too
    await device.publishAsync(topic('NDATA', 'oven'), data(5, 666), { qos: 1 });
    expect(
      await eventually(
        () => aside.execute(),
        (rows) => rows.length >= before + 1,
      ),
    ).toHaveLength(before + 1);
    expect(await values(a, 'temperature')).not.toContain(666);
  });

  it('splits the messages of one share group between two instances, each message committed once', async () => {
    const b = await instance(DEVICES);
    try {
      const sent = Array.from({ length: 60 }, (_, i) => 1000 + i);
      for (const n of sent) await device.publishAsync('bastion/v1/meter-1/data', json(n), { qos: 1 });
      const both = async () =>
        [...(await values(a, 'reading')), ...(await values(b, 'reading'))].filter((n) => n >= 1000);
      const committed = await eventually(both, (v) => v.length >= sent.length);
      expect(committed.sort((x, y) => x - y)).toEqual(sent);
      const fromB = (await values(b, 'reading')).length;
      expect(fromB).toBeGreaterThan(0);
      expect(fromB).toBeLessThan(sent.length);
    } finally {
      await b.ingest.close();
      await b.t.destroy();
    }
  });

  it('does not acknowledge a message whose batch failed: the broker sends it again and it is committed once', async () => {
    let failures = 0;
    // The first commit of the batch holding the test's message fails, as if the database had gone away.
    const failOnce = (commands: CommandPort): CommandPort => ({
      ...commands,
      execute: ((command, input, ...rest) => {
        const ours = command.name === 'ingest.batch.commit' && JSON.stringify(input).includes('4242');
        if (ours && failures++ === 0) return Promise.reject(new Error('database gone'));
        return commands.execute(command, input, ...rest);
      }) as CommandPort['execute'],
    });
    // A session that outlives the connection, which is how the broker keeps what Bastion did not acknowledge.
    const c = await instance(
      [['meter-2', 'meter']],
      { BASTION_MQTT_SHARED_GROUP: `retry-${run}`, BASTION_MQTT_SESSION_EXPIRY: '60' },
      failOnce,
    );
    try {
      await device.publishAsync('bastion/v1/meter-2/data', json(4242), { qos: 1 });
      expect(
        await eventually(
          () => values(c, 'reading'),
          (v) => v.length >= 1,
        ),
      ).toEqual([4242]);
      expect(failures).toBeGreaterThan(1);
      expect(c.t.logs.text).toContain('messages not acknowledged will come again');
      // A message sent after the commit is delivered after any copy of 4242 still due (one topic, QoS 1, in
      // order), so once it is stored a second 4242 would be too.
      await device.publishAsync('bastion/v1/meter-2/data', json(4343), { qos: 1 });
      expect(
        await eventually(
          () => values(c, 'reading'),
          (v) => v.includes(4343),
        ),
      ).toEqual([4242, 4343]);
    } finally {
      await c.ingest.close();
      // End the session on the shared broker, so it does not keep collecting messages for an hour.
      const end = await mqtt.connectAsync(BROKER, {
        clientId: defaultClientId(c.t.config),
        protocolVersion: 5,
        clean: true,
      });
      await end.endAsync();
      await c.t.destroy();
    }
  });
});
