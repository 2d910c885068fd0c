import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { openBastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { startExternalIngest } from '../src/modules/ingest/external.js';
import { openStorage } from '../src/storage/open.js';
import { createTestBastion, testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually, freePort } from './support/eventually.js';
import { ownMosquitto, type OwnMosquitto } from './support/mosquitto.js';
import { seedPlant } from './support/plant.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

const LINE = '/site-1/area-1/line-1';
const TOPIC = 'bastion/v1/meter-1/data';
const DEVICE = { name: 'meter-1', equipment: LINE, groupId: 'plant', edgeNodeId: 'meter' };
const json = (n: number) => JSON.stringify({ timestamp: Date.now(), metrics: [{ name: 'n', value: n }] });

/** Publishes numbers first..last at QoS 1, at most `perSecond`, each awaited: all of them were acknowledged. */
async function publish(device: MqttClient, first: number, last: number, perSecond = Infinity): Promise<void> {
  const started = Date.now();
  for (let n = first; n <= last; n++) {
    const due = started + ((n - first) * 1000) / perSecond;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now())); // the device's pace
    await device.publishAsync(TOPIC, json(n), { qos: 1 });
  }
}

/** The retained STATE of host `hostId` on the broker ({} when there is none within 5 s). */
async function hostState(url: string, hostId: string): Promise<{ online?: boolean; timestamp?: number }> {
  const client = await mqtt.connectAsync(url, {
    clientId: `probe-${randomBytes(3).toString('hex')}`,
    reconnectPeriod: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const topic = `spBv1.0/STATE/${hostId}`;
    const state = new Promise<string>((resolve) => {
      client.on('message', (t, p) => t === topic && resolve(p.toString()));
      timer = setTimeout(() => resolve('{}'), 5000);
    });
    await client.subscribeAsync(topic, { qos: 1 });
    return JSON.parse(await state) as { online?: boolean; timestamp?: number };
  } finally {
    clearTimeout(timer);
    await client.endAsync(true);
  }
}

const summary = (rows: number[], sent: number) => {
  const distinct = new Set(rows);
  const missing = Array.from({ length: sent }, (_, i) => i + 1).filter((n) => !distinct.has(n));
  return { distinct: distinct.size, missing: missing.length, foreign: [...distinct].filter((n) => n < 1 || n > sent) };
};

// Issue 10, items 10 and 10c: an external broker's replay is not a flood, and a broker restart loses nothing.
describe(`ingest through a Mosquitto of its own (${testDialect})`, () => {
  let broker: OwnMosquitto;
  const devices: MqttClient[] = [];

  beforeEach(async () => {
    broker = await ownMosquitto();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.endAsync(true)));
    await broker.destroy();
  });

  const device = async () => {
    const client = await mqtt.connectAsync(broker.url, { clientId: `device-${randomBytes(3).toString('hex')}` });
    client.on('error', () => undefined);
    devices.push(client);
    return client;
  };

  it('keeps what devices publish across a broker restart, before Bastion is back: every acknowledged message is stored', async () => {
    const hostId = `host-${randomBytes(3).toString('hex')}`;
    // The setting OPERATIONS.md prescribes for one instance on Mosquitto: plain subscriptions (shared off).
    const t = await createTestBastion({
      BASTION_MQTT_URL: broker.url,
      BASTION_MQTT_SHARED: 'false',
      BASTION_MQTT_HOST_ID: hostId,
    });
    await seedPlant(t.bastion);
    await t.bastion.pipeline.execute('ingest.device.register', DEVICE, CONSOLE_ACTOR, CLI_ORIGIN);
    const ingest = startExternalIngest(t.bastion.context, t.config, t.logger);
    const stored = async () =>
      (await t.bastion.storage.db.selectFrom('ingest_values').select('value_num').execute()).map((r) =>
        Number(r.value_num),
      );
    try {
      await ingest.ready;
      expect(await hostState(broker.url, hostId)).toMatchObject({ online: true });
      await publish(await device(), 1, 300);
      await broker.stop();
      await broker.start();
      // Right after the restart, while Bastion is still away (it reconnects after 250 ms and more).
      await publish(await device(), 301, 600);
      const rows = await eventually(stored, (r) => new Set(r).size >= 600, 30_000);
      expect(summary(rows, 600), broker.log()).toEqual({ distinct: 600, missing: 0, foreign: [] });
      expect(rows.length - 600).toBeLessThanOrEqual(300); // redelivered after the restart: at least once
      expect(await hostState(broker.url, hostId)).toMatchObject({ online: true });
    } finally {
      await ingest.close();
      await t.destroy();
    }
  }, 90_000);

  it('answers an offline STATE for its host ID (the will of another instance of the same host) with its birth', async () => {
    const hostId = `host-${randomBytes(3).toString('hex')}`;
    const t = await createTestBastion({ BASTION_MQTT_URL: broker.url, BASTION_MQTT_HOST_ID: hostId });
    const ingest = startExternalIngest(t.bastion.context, t.config, t.logger);
    try {
      await ingest.ready;
      const birth = await eventually(
        () => hostState(broker.url, hostId),
        (s) => s.online === true,
      );
      const other = await device();
      const death = JSON.stringify({ online: false, timestamp: Date.now() });
      await other.publishAsync(`spBv1.0/STATE/${hostId}`, death, { qos: 1, retain: true });
      const state = await eventually(
        () => hostState(broker.url, hostId),
        (s) => s.online === true,
      );
      expect(state).toEqual(birth);
    } finally {
      await ingest.close();
      await t.destroy();
    }
  }, 60_000);

  describe('an instance killed with SIGKILL and restarted', () => {
    let env: Record<string, string>;
    let dataDir: string;
    let cleanup: () => Promise<void>;
    const children: ChildProcess[] = [];

    /** `bastion serve` in a child process, resolved once it says it serves. */
    const serve = async () => (await serveProcess(env, { spawned: (child) => children.push(child) })).child;

    beforeEach(async () => {
      requireBuiltCli();
      ({ env, dataDir, cleanup } = await testEnvironment({
        BASTION_MQTT_URL: broker.url,
        BASTION_MQTT_MAX_RATE: '400',
        BASTION_MQTT_HOST_ID: `host-${randomBytes(3).toString('hex')}`,
      }));
      env.BASTION_PORT = String(await freePort());
      const config = loadConfig({ env, cwd: dataDir });
      await initialize(config, createLogger('silent'));
      const bastion = await openBastion(config, { logger: createLogger('silent') });
      try {
        await seedPlant(bastion);
        await bastion.pipeline.execute('ingest.device.register', DEVICE, CONSOLE_ACTOR, CLI_ORIGIN);
      } finally {
        await bastion.close();
      }
    });
    afterEach(async () => {
      for (const child of children.splice(0)) killIfRunning(child);
      await cleanup();
    });

    it('takes the backlog the broker replays at once, beyond mqtt.maxMessagesPerSecond: every acknowledged message is stored', async () => {
      const hostId = env.BASTION_MQTT_HOST_ID!;
      const first = await serve();
      await eventually(
        () => hostState(broker.url, hostId),
        (s) => s.online === true,
        30_000,
      );
      const meter = await device();
      // Under the rate while the instance runs; then it is killed and the broker keeps the rest for it.
      const running = publish(meter, 1, 3000, 300);
      const storage = openStorage(loadConfig({ env, cwd: dataDir }));
      try {
        const count = async () =>
          Number(
            (await storage.db
              .selectFrom('ingest_values')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst())!.n,
          );
        await eventually(count, (n) => n >= 300, 30_000);
        const dead = exitOf(first);
        first.kill('SIGKILL');
        await dead;
        // Its will: the host is offline.
        expect(await hostState(broker.url, hostId)).toMatchObject({ online: false });
        await running; // all 3000 acknowledged by the broker, about 2000 of them while no instance ran

        const second = await serve();
        const values = async () =>
          (await storage.db.selectFrom('ingest_values').select('value_num').execute()).map((r) => Number(r.value_num));
        const rows = await eventually(values, (r) => new Set(r).size >= 3000, 60_000);
        expect(summary(rows, 3000)).toEqual({ distinct: 3000, missing: 0, foreign: [] });
        // Committed just before the kill and not yet acknowledged: sent again (at least once), never more.
        expect(rows.length - 3000).toBeLessThanOrEqual(1000);
        const stopped = exitOf(second);
        second.kill('SIGTERM');
        await stopped;
        expect(await hostState(broker.url, hostId)).toMatchObject({ online: false });
      } finally {
        await storage.close();
      }
    }, 120_000);
  });
});
