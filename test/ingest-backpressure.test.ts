import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { startIngest, type IngestOptions, type RunningIngest } from '../src/modules/ingest/broker.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const TOPIC = 'bastion/v1/burst/data';
const json = (n: number) => Buffer.from(JSON.stringify({ timestamp: Date.now(), metrics: [{ name: 'n', value: n }] }));

/**
 * Publishes `total` numbered QoS 1 messages at `perSecond`, never waiting for an acknowledgement, and
 * resolves with the numbers whose PUBACK arrived once every publish has settled or the connection closed.
 */
async function burst(client: MqttClient, first: number, total: number, perSecond: number): Promise<Set<number>> {
  const acked = new Set<number>();
  const settled: Promise<unknown>[] = [];
  const tick = 50;
  const perTick = Math.ceil((perSecond * tick) / 1000);
  let open = true;
  const closed = new Promise<void>((resolve) => client.once('close', () => ((open = false), resolve())));
  for (let sent = 0; sent < total && open;) {
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const n = first + sent;
      settled.push(client.publishAsync(TOPIC, json(n), { qos: 1 }).then(() => acked.add(n)));
    }
    await new Promise((resolve) => setTimeout(resolve, tick)); // the sending cadence, not a wait for a result
  }
  await Promise.race([Promise.allSettled(settled), closed]);
  return new Set(acked); // a copy: no PUBACK can come after the close
}

// Issue 10, item 10: over mqtt.maxMessagesPerSecond a device is slowed or disconnected, never acknowledged and dropped.
describe(`ingest back-pressure over the device rate (${testDialect})`, () => {
  const LIMIT = 100;
  let t: TestBastion;
  let broker: RunningIngest;
  let secret: string;
  const clients: MqttClient[] = [];

  const start = async (options: IngestOptions = {}) => {
    const mqttConfig = { ...t.config.mqtt, port: 0, maxMessagesPerSecond: LIMIT };
    broker = await startIngest(t.bastion.context, { ...t.config, mqtt: mqttConfig }, t.logger, options);
  };
  const connect = async (clientId: string) => {
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      ca: readFileSync(join(t.dataDir, 'tls', 'server.crt')),
      clientId,
      username: 'burst',
      password: secret,
      reconnectPeriod: 0,
    });
    client.on('error', () => undefined); // a disconnection is one of the outcomes under test
    clients.push(client);
    return client;
  };
  const stored = async () => {
    await broker.writer.drain();
    const rows = await t.bastion.storage.db.selectFrom('ingest_values').select('value_num').execute();
    return rows.map((r) => Number(r.value_num));
  };
  const flooding = async (kind = 'flooding') => {
    await broker.writer.drain();
    return t.bastion.storage.db
      .selectFrom('ingest_security_events')
      .select(['detail', 'count'])
      .where('kind', '=', kind)
      .execute();
  };

  beforeEach(async () => {
    t = await createTestBastion();
    await seedPlant(t.bastion);
    const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
    ({ secret } = (await run('ingest.device.register', {
      name: 'burst',
      equipment: LINE,
      groupId: 'plant',
      edgeNodeId: 'burst',
    })) as { secret: string });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.close();
    await t.destroy();
  });

  it('slows a device bursting at 4x the limit: every acknowledged message is stored, counts reconcile exactly', async () => {
    await start();
    const client = await connect('burst');
    const acked = await burst(client, 1, 8 * LIMIT, 4 * LIMIT);
    const rows = await stored();
    expect(acked.size).toBe(8 * LIMIT); // slowed, never disconnected
    expect(rows).toHaveLength(acked.size);
    expect(new Set(rows)).toEqual(acked);
    const held = (await flooding()).reduce((n, e) => n + Number(e.count), 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(8 * LIMIT);
  }, 60_000);

  it('disconnects a device that piles up more waiting than allowed, with a security event; what was acknowledged is stored', async () => {
    await start({ maxHoldMs: 1000 });
    const [a, b] = [await connect('burst:a'), await connect('burst:b')];
    const closed = Promise.all([a, b].map((c) => new Promise<void>((resolve) => c.once('close', () => resolve()))));
    const acked = await Promise.all([burst(a, 1, 600, 6000), burst(b, 10_001, 600, 6000)]);
    await closed;
    const ackedAll = new Set([...acked[0], ...acked[1]]);
    const rows = await stored();
    expect(ackedAll.size).toBeLessThan(1200);
    expect([...ackedAll].filter((n) => !rows.includes(n))).toEqual([]);
    // Stored and not acknowledged can only be what was committing when the connection went (sent again
    // by the device: at least once); never more than was sent, and nothing twice.
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.length - ackedAll.size).toBeLessThan(LIMIT);
    const disconnected = await flooding('flooding-disconnected');
    expect(disconnected.length).toBeGreaterThan(0);
    expect(new Set(disconnected.map((e) => e.detail))).toEqual(new Set(['more than 1000 ms of messages waiting']));
  }, 60_000);
});
