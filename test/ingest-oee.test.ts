import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
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
const topic = (type: string, device?: string) =>
  `spBv1.0/plant/${type}/line-2-edge${device !== undefined ? `/${device}` : ''}`;

type Metric = {
  name?: string;
  alias: number;
  type: 'String' | 'Int64' | 'Double';
  value: unknown;
  timestamp?: number;
  isHistorical?: boolean;
};
/** A machine's four metrics; `aliases` is its first alias (Sparkplug: unique across the edge node's devices). */
const machine = (names: boolean, state: string, fault: string, total: number, good: number, aliases = 1): Metric[] =>
  (
    [
      ['State', 'String', state],
      ['Fault', 'String', fault],
      ['Count/Total', 'Int64', total],
      ['Count/Good', 'Int64', good],
    ] as const
  ).map(([name, type, value], i) => ({ ...(names ? { name } : {}), alias: aliases + i, type, value }));
const payload = (seq: number, minute: number, metrics: Metric[]) =>
  encodeSparkplug({ timestamp: T0 + minute * MINUTE, seq, metrics: metrics as never });

// A line's edge node reports its machine's state and counters over real TLS MQTT; OEE follows (issue 5, item 7).
describe(`machine telemetry to OEE (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let broker: RunningIngest;
  let client: MqttClient;
  let reader: Session;
  let auditor: Session;

  const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const batches = () => listRecords(t.bastion.storage, { action: 'ingest.batch.commit', limit: 1000 });
  /** The states recorded for the line itself. */
  const lineStates = async () =>
    (
      await t.bastion.storage.db
        .selectFrom('performance_states')
        .select(['state'])
        .where('equipment_path', '=', LINE)
        .execute()
    ).map((s) => s.state);
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
    // A saw nobody gave an ideal cycle time.
    await run('plant.node.create', { parentPath: LINE, level: 'equipment', code: 'saw-2', name: 'Saw' });
    const device = (await run('ingest.device.register', {
      name: 'line-2-edge',
      equipment: LINE,
      groupId: 'plant',
      edgeNodeId: 'line-2-edge',
    })) as { secret: string };
    broker = await startIngest(t.bastion.context, { ...t.config, mqtt: { ...t.config.mqtt, port: 0 } }, t.logger);
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
    auditor = await sessionOf(app, await makeUser(t.bastion, app, { username: 'aldo', roles: [{ role: 'auditor' }] }));
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
    expect(await lineStates()).toEqual(['idle']);
    const last = await batches();
    expect(last.at(-1)!.record.details).toMatchObject({ telemetry: { equipment: 1, states: 1, ignored: 1 } });
  });

  const listed = async <T>(url: string, key: string) => {
    const response = await app.inject({ url, headers: auditor.headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Record<string, T[]>>()[key]!;
  };
  const valuesOf = (metric: string) =>
    t.bastion.storage.db.selectFrom('ingest_values').selectAll().where('metric', '=', metric).execute();

  it('stores the parts of equipment without an ideal cycle time and raises a data-quality event', async () => {
    const send = (seq: number, type: string, minute: number, metrics: Metric[]) =>
      client.publishAsync(topic(type, 'Saw-2'), payload(seq, minute, metrics), { qos: 1 });
    await send(6, 'DBIRTH', 20, machine(true, 'running', '', 500, 500, 31)); // the first reading is a baseline
    await send(7, 'DDATA', 22, machine(true, 'running', '', 540, 538, 31));
    await send(8, 'DDATA', 23, machine(true, 'running', '', 545, 543, 31));
    const counts = await t.bastion.storage.db
      .selectFrom('performance_counts')
      .selectAll()
      .where('equipment_path', '=', `${LINE}/saw-2`)
      .execute();
    expect(counts.map((c) => [Number(c.total), Number(c.good), c.ideal_cycle_seconds])).toEqual([
      [40, 38, null],
      [5, 5, null],
    ]);
    const events = await listed<{ kind: string; detail: string; count: number }>(
      '/api/ingest/security-events',
      'items',
    );
    // One event for the saw, counted once per batch that brought such parts (not a row per batch).
    expect(events.filter((e) => e.kind === 'data-quality')).toEqual([
      expect.objectContaining({
        detail: `parts at ${LINE}/saw-2 without an ideal cycle time: performance cannot be computed`,
        count: 2,
      }),
    ]);
    const saw = await oee(`${LINE}/saw-2`);
    expect(saw).toMatchObject({ total: 45, unratedParts: 45, performance: null, oee: null });
  });

  it('quarantines values timestamped too far ahead or too long ago (unless historical), with the reason', async () => {
    const now = Date.now();
    const reading = (ts: number, isHistorical?: boolean): Metric[] => [
      { name: 'Temperature', alias: 20, type: 'Double', value: 81.5, timestamp: ts, isHistorical },
    ];
    const send = (seq: number, metrics: Metric[]) =>
      client.publishAsync(topic('NDATA'), encodeSparkplug({ timestamp: now, seq, metrics: metrics as never }), {
        qos: 1,
      });
    await send(9, reading(now + 3_600_000)); // an hour ahead: the device's clock is wrong
    await send(10, reading(now - 48 * 3_600_000)); // two days late, and not said to be historical
    await send(11, [
      ...reading(now - 48 * 3_600_000, true), // store-and-forward: old on purpose
      { name: 'State', alias: 21, type: 'String', value: 'down', timestamp: now - 48 * 3_600_000, isHistorical: true },
    ]);
    expect((await valuesOf('Temperature')).map((v) => Number(v.ts))).toEqual([now - 48 * 3_600_000]);
    const quarantined = await listed<{ topic: string; reason: string | null }>('/api/ingest/quarantine', 'messages');
    // Sorted: the older timestamp first.
    expect(quarantined.map((q) => q.reason).sort()).toEqual([
      expect.stringMatching(/^timestamp \S+ is 48\.0 h old \(limit 24 h\) and not marked historical$/),
      expect.stringMatching(/^timestamp \S+ is 3[56]\d\d s ahead of the server \(limit 60 s\)$/),
    ]);
    expect(quarantined.every((q) => q.topic === topic('NDATA'))).toBe(true);
    const events = await listed<{ kind: string }>('/api/ingest/security-events', 'items');
    expect(events.filter((e) => e.kind === 'timestamp-out-of-window')).toHaveLength(2);
    // The historical state is older than the equipment's current one: kept as a value, it rewrites no state.
    expect(await lineStates()).toEqual(['idle']);
  });
});
