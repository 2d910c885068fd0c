import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/app/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { listRecords } from '../src/modules/audit/queries.js';
import { startIngest, type RunningIngest } from '../src/modules/ingest/broker.js';
import { encodeSparkplug } from '../src/modules/ingest/payloads.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import type { Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-2';
const MINUTE = 60_000;
// An hour ago, on a minute boundary: the device's own timestamps place states and counts in the past.
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const iso = (minute: number) => new Date(T0 + minute * MINUTE).toISOString();
const topic = (type: string, device?: string) => `spBv1.0/plant/${type}/line-2-edge${device ? `/${device}` : ''}`;

type Metric = { name?: string; alias: number; type: 'String' | 'Int64'; value: unknown };
const machine = (names: boolean, state: string, fault: string, total: number, good: number): Metric[] =>
  (
    [
      ['State', 'String', state],
      ['Fault', 'String', fault],
      ['Count/Total', 'Int64', total],
      ['Count/Good', 'Int64', good],
    ] as const
  ).map(([name, type, value], i) => ({ ...(names ? { name } : {}), alias: i + 1, type, value }));
const payload = (seq: number, minute: number, metrics: Metric[]) =>
  encodeSparkplug({ timestamp: T0 + minute * MINUTE, seq, metrics: metrics as never });

// A line's edge node reports its machine's state and counters over real TLS MQTT; OEE follows (issue 5, item 7).
describe(`machine telemetry to OEE (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let broker: RunningIngest;
  let client: MqttClient;
  let reader: Session;

  const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const batches = () => listRecords(t.bastion.storage, { action: 'ingest.batch.commit', limit: 1000 });
  const oee = async (equipment: string) => {
    const url = `/api/performance/oee?equipment=${equipment}&from=${iso(0)}&to=${iso(30)}`;
    const response = await app.inject({ url, headers: reader.headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ total: number; good: number; downMinutes: number; runMinutes: number }>();
  };

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    const ideal = [{ id: 'idealCycleSeconds', value: 6, unitOfMeasure: 's' }];
    await run('plant.node.create', {
      parentPath: LINE,
      level: 'equipment',
      code: 'press-7',
      name: 'Press',
      properties: ideal,
    });
    const device = (await run('ingest.device.register', {
      name: 'line-2-edge',
      equipment: LINE,
      groupId: 'plant',
      edgeNodeId: 'line-2-edge',
    })) as { secret: string };
    broker = await startIngest(t.bastion, { ...t.config, mqtt: { ...t.config.mqtt, port: 0 } }, t.logger);
    client = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      ca: readFileSync(join(t.dataDir, 'tls', 'server.crt')),
      clientId: 'line-2-edge',
      username: 'line-2-edge',
      password: device.secret,
      reconnectPeriod: 0,
    });
    reader = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'rita', roles: [{ role: 'operator', scope: LINE }] }),
    );
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await broker?.close();
    await app?.close();
    await t.destroy();
  });

  it('turns DBIRTH/DDATA State and Count metrics into states and part counts of E/<device>', async () => {
    const send = (seq: number, type: string, minute: number, metrics: Metric[], device?: string) =>
      client.publishAsync(topic(type, device), payload(seq, minute, metrics), { qos: 1 });
    await send(0, 'NBIRTH', 0, [{ name: 'bdSeq', alias: 0, type: 'Int64', value: 0 }]);
    await send(1, 'DBIRTH', 0, machine(true, 'running', '', 1000, 990), 'Press-7');
    await send(2, 'DDATA', 10, machine(false, 'down', 'jam at infeed', 1080, 1068), 'Press-7');
    await send(3, 'DDATA', 15, machine(false, 'running', '', 1080, 1068), 'Press-7');
    await send(4, 'DDATA', 25, machine(false, 'running', '', 1130, 1115), 'Press-7');
    // Each PUBACK came after its batch committed, states and counts included: no wait needed.
    const press = await oee(`${LINE}/press-7`);
    expect(press).toMatchObject({ total: 130, good: 125, downMinutes: 5, runMinutes: 25 });
    const pareto = await app.inject({
      url: `/api/performance/downtime?equipment=${LINE}&from=${iso(0)}&to=${iso(30)}`,
      headers: reader.headers,
    });
    expect(pareto.json<{ reasons: { reason: string; minutes: number }[] }>().reasons).toEqual([
      expect.objectContaining({ reason: 'jam at infeed', minutes: 5 }),
    ]);
    const notes = (await batches()).map((r) => r.record.details);
    const sum = (key: 'states' | 'parts') =>
      notes.reduce((n, d) => n + Number((d as { telemetry: Record<string, number> }).telemetry[key]), 0);
    expect([sum('states'), sum('parts')]).toEqual([3, 130]);
  });

  it('maps node-level metrics to the equipment E itself, and counts what it cannot apply', async () => {
    const metrics: Metric[] = [
      { name: 'State', alias: 10, type: 'String', value: 'idle' },
      { name: 'Count/Total', alias: 11, type: 'String', value: 'many' },
    ];
    await client.publishAsync(topic('NDATA'), payload(5, 20, metrics), { qos: 1 });
    const states = await t.bastion.storage.db
      .selectFrom('performance_states')
      .select(['state'])
      .where('equipment_path', '=', LINE)
      .execute();
    expect(states.map((s) => s.state)).toEqual(['idle']);
    const last = await batches();
    expect(last.at(-1)!.record.details).toMatchObject({ telemetry: { equipment: 1, states: 1, ignored: 1 } });
  });
});
