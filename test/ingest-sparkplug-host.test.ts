import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { startIngest, type RunningIngest } from '../src/modules/ingest/broker.js';
import { encodeSparkplug } from '../src/modules/ingest/payloads.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually } from './support/eventually.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-2';
const HOST = 'mes-north';
const topic = (edge: string, type: string, device?: string) =>
  `spBv1.0/plant/${type}/${edge}${device !== undefined ? `/${device}` : ''}`;
const sparkplug = (seq: number, metrics: { name: string; type: 'String' | 'Int64'; value: unknown }[] = []) =>
  encodeSparkplug({ timestamp: Date.now(), seq, metrics: metrics as never });
const running = [{ name: 'State', type: 'String' as const, value: 'running' }];

interface StatePayload {
  online: boolean;
  timestamp: number;
}

/** The next message on `filter`, after subscribing (a retained one arrives at once). */
async function next(client: MqttClient, filter: string): Promise<StatePayload> {
  const message = new Promise<StatePayload>((resolve) =>
    client.on('message', (t, payload) => t === filter && resolve(JSON.parse(payload.toString()) as StatePayload)),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return message;
}

// Issue 10, item 11: Bastion as a Sparkplug B 3.0 primary host application, over MQTT/TLS with a real client.
describe(`Sparkplug B host application (${testDialect})`, () => {
  let t: TestBastion;
  let broker: RunningIngest;
  const secrets = new Map<string, string>();
  const clients: MqttClient[] = [];

  const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const connect = async (edge: string, options: IClientOptions = {}) => {
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      ca: readFileSync(join(t.dataDir, 'tls', 'server.crt')),
      clientId: edge,
      username: edge,
      password: secrets.get(edge),
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const openState = async (equipment: string) =>
    (
      await t.bastion.storage.db
        .selectFrom('performance_states')
        .select('state')
        .where('equipment_path', '=', equipment)
        .where('ended_at', 'is', null)
        .executeTakeFirst()
    )?.state;

  beforeAll(async () => {
    t = await createTestBastion();
    await seedPlant(t.bastion);
    for (const code of ['press-7', 'oven-7', 'saw-7'])
      await run('plant.node.create', { parentPath: LINE, level: 'equipment', code, name: code });
    for (const edge of ['edge-a', 'edge-b', 'edge-c']) {
      const device = (await run('ingest.device.register', {
        name: edge,
        equipment: LINE,
        groupId: 'plant',
        edgeNodeId: edge,
      })) as { secret: string };
      secrets.set(edge, device.secret);
    }
    broker = await startIngest(
      t.bastion.context,
      { ...t.config, mqtt: { ...t.config.mqtt, port: 0, hostId: HOST } },
      t.logger,
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
    await t.destroy();
  });

  it('lets an edge node subscribe to its own command namespace in every legal form, and to the host STATE', async () => {
    const edge = await connect('edge-a');
    const filters = [
      topic('edge-a', 'NCMD'),
      `${topic('edge-a', 'NCMD')}/#`,
      `${topic('edge-a', 'DCMD')}/#`,
      `${topic('edge-a', 'DCMD')}/+`,
      topic('edge-a', 'DCMD', 'PRESS-7'),
      `${topic('edge-a', '+')}/#`,
      `spBv1.0/STATE/${HOST}`,
    ];
    for (const filter of filters) {
      const granted = await edge.subscribeAsync(filter, { qos: 1 });
      expect(granted.map((g) => [g.topic, g.qos])).toEqual([[filter, 1]]);
    }
    expect(edge.connected).toBe(true);
    // Another node's commands, or any node's through a wildcard, stay refused.
    for (const filter of [`${topic('edge-b', 'DCMD')}/#`, 'spBv1.0/plant/NCMD/+', 'spBv1.0/plant/#', 'spBv1.0/#'])
      await expect((await connect('edge-a', { clientId: 'edge-a:probe' })).subscribeAsync(filter)).rejects.toThrow();
  });

  it('publishes its STATE birth retained with QoS 1 as JSON, on spBv1.0/STATE/<host id>', async () => {
    const edge = await connect('edge-a', { clientId: 'edge-a:state' });
    const state = await next(edge, `spBv1.0/STATE/${HOST}`);
    expect(state).toEqual({ online: true, timestamp: expect.any(Number) as number });
    expect(Math.abs(state.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('sets the edge node and its devices disconnected at NDEATH, so run time stops accruing', async () => {
    const edge = await connect('edge-b');
    await edge.publishAsync(topic('edge-b', 'NBIRTH'), sparkplug(0, running), { qos: 1 });
    await edge.publishAsync(topic('edge-b', 'DBIRTH', 'PRESS-7'), sparkplug(1, running), { qos: 1 });
    await edge.publishAsync(topic('edge-b', 'DBIRTH', 'OVEN-7'), sparkplug(2, running), { qos: 1 });
    expect([await openState(LINE), await openState(`${LINE}/press-7`), await openState(`${LINE}/oven-7`)]).toEqual([
      'running',
      'running',
      'running',
    ]);
    await edge.publishAsync(topic('edge-b', 'DDEATH', 'OVEN-7'), sparkplug(3), { qos: 1 });
    expect(await openState(`${LINE}/oven-7`)).toBe('disconnected');
    expect(await openState(`${LINE}/press-7`)).toBe('running');
    await edge.publishAsync(topic('edge-b', 'NDEATH'), sparkplug(4), { qos: 1 });
    expect([await openState(LINE), await openState(`${LINE}/press-7`)]).toEqual(['disconnected', 'disconnected']);
    // A new birth brings the machines back.
    await edge.publishAsync(topic('edge-b', 'NBIRTH'), sparkplug(0, running), { qos: 1 });
    expect(await openState(LINE)).toBe('running');
  });

  it('sets the machines of an edge node disconnected when its connection is lost without a death', async () => {
    const edge = await connect('edge-c');
    await edge.publishAsync(topic('edge-c', 'NBIRTH'), sparkplug(0), { qos: 1 });
    await edge.publishAsync(topic('edge-c', 'DBIRTH', 'SAW-7'), sparkplug(1, running), { qos: 1 });
    expect(await openState(`${LINE}/saw-7`)).toBe('running');
    edge.stream.destroy(); // no DISCONNECT, no will: the connection just goes
    expect(
      await eventually(
        () => openState(`${LINE}/saw-7`),
        (s) => s === 'disconnected',
      ),
    ).toBe('disconnected');
  });

  it('publishes its STATE death (retained, QoS 1) when it stops', async () => {
    const edge = await connect('edge-a', { clientId: 'edge-a:death' });
    expect((await next(edge, `spBv1.0/STATE/${HOST}`)).online).toBe(true);
    const death = new Promise<StatePayload>((resolve) =>
      edge.on('message', (_t, payload) => {
        const state = JSON.parse(payload.toString()) as StatePayload;
        if (!state.online) resolve(state);
      }),
    );
    await broker.close();
    expect(await death).toEqual({ online: false, timestamp: expect.any(Number) as number });
    broker = await startIngest(
      t.bastion.context,
      { ...t.config, mqtt: { ...t.config.mqtt, port: 0, hostId: HOST } },
      t.logger,
    );
  });
});
