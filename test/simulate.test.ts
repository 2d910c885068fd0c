import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../src/simulate/run.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { eventually } from './support/eventually.js';

const require = createRequire(import.meta.url);
const sparkplug = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

type Metric = { name?: string | null; alias?: unknown; value?: unknown };
type Seen = { topic: string; type: string; seq: number | null; metrics: Metric[] };

// Both projects (SQLite, PostgreSQL) run this file at once against the one local Mosquitto: every edge node
// and MQTT client ID must be this process's own, or the broker hands one run's session to the other (a
// takeover: the will NDEATH, lost messages, missing sequence numbers in the other run).
const run = `${process.pid}-${Date.now()}`;
const group = `sim-${run}`;
const edgeId = (name: string) => `${name}-${run}`;

/** Sparkplug B NCMD asking a node to birth again. */
const rebirthRequest = () =>
  Buffer.from(
    sparkplug.encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
    }),
  );

// The simulator speaks Sparkplug B to a real broker: the Mosquitto on this machine (issue 5, item 9).
describe('bastion simulate (Sparkplug B over the local Mosquitto)', () => {
  let listener: MqttClient;
  const seen: Seen[] = [];
  const of = (edge: string) => seen.filter((s) => s.topic.split('/')[3] === edge);

  beforeAll(async () => {
    listener = await connectAsync('mqtt://127.0.0.1:1883', { clientId: `listener-${run}` });
    listener.on('message', (topic, payload) => {
      const decoded = sparkplug.decodePayload(payload);
      const seq = decoded.seq === undefined || decoded.seq === null ? null : Number(decoded.seq);
      seen.push({ topic, type: topic.split('/')[2]!, seq, metrics: decoded.metrics ?? [] });
    });
    await listener.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
  });
  afterAll(async () => {
    await listener.endAsync();
  });

  it('births its node and machines with aliases unique across the node, reports by alias with rolling sequence numbers, and rebirths on request', async () => {
    const edge = edgeId('edge');
    const running = await simulate({
      url: 'mqtt://127.0.0.1:1883',
      username: edge,
      password: 'not-checked-by-this-broker',
      group,
      edge,
      machines: 2,
      periodMs: 20,
      speed: 600,
      seed: 3,
      reports: 140,
    });
    await running.done;
    const ddata = () => of(edge).filter((s) => s.type === 'DDATA');
    expect(
      await eventually(
        () => ddata().length,
        (n) => n >= 280,
      ),
    ).toBe(280);
    await listener.publishAsync(`spBv1.0/${group}/NCMD/${edge}`, rebirthRequest(), { qos: 1 });
    const reborn = () => of(edge).filter((s) => s.type !== 'NCMD' && s.type !== 'DDATA' && s.type !== 'NDEATH');
    expect(
      await eventually(
        () => reborn().length,
        (n) => n >= 6,
      ),
    ).toBe(6);
    await running.stop();

    const messages = of(edge).filter((s) => s.type !== 'NCMD'); // our own request carries no sequence number
    expect(messages.map((m) => m.type).slice(0, 3)).toEqual(['NBIRTH', 'DBIRTH', 'DBIRTH']);
    const births = messages.filter((s) => s.type === 'DBIRTH').slice(0, 2);
    expect(births[0]!.metrics.map((m) => m.name)).toEqual([
      'State',
      'Fault',
      'Count/Total',
      'Count/Good',
      'Temperature',
    ]);
    // Sparkplug B: an alias names one metric of the whole node, so no two machines share one.
    const aliases = births.flatMap((b) => b.metrics.map((m) => Number(m.alias)));
    expect(new Set(aliases).size).toBe(10);
    expect(aliases.every((a) => a > 0)).toBe(true); // 0 is the node's bdSeq
    const data = messages.filter((s) => s.type === 'DDATA');
    expect(data.every((d) => d.metrics.every((m) => (m.name ?? '') === '' && aliases.includes(Number(m.alias))))).toBe(
      true,
    );
    // Every message of the node carries the next sequence number, 0 after 255, and 0 again at a rebirth.
    const firstRun = messages.slice(0, 3 + 280).map((s) => s.seq);
    expect(firstRun).toEqual(firstRun.map((_, i) => i % 256));
    expect(messages.slice(3 + 280).map((s) => [s.type, s.seq])).toEqual([
      ['NBIRTH', 0],
      ['DBIRTH', 1],
      ['DBIRTH', 2],
    ]);
    // Each machine's counter, read by the alias its own birth gave it: 140 reports at 600× are 23 plant minutes.
    for (const birth of births) {
      const device = birth.topic.split('/')[4]!;
      const total = Number(birth.metrics.find((m) => m.name === 'Count/Total')!.alias);
      const last = data.filter((d) => d.topic.endsWith(`/${device}`)).at(-1)!;
      expect(Number(last.metrics.find((m) => Number(m.alias) === total)!.value), device).toBeGreaterThan(0);
    }
  });

  it('births again before any data when its MQTT session is taken away and it reconnects', async () => {
    const edge = edgeId('edge-reconnect');
    const running = await simulate({
      url: 'mqtt://127.0.0.1:1883',
      username: edge,
      password: 'x',
      group,
      edge,
      machines: 1,
      periodMs: 50,
      speed: 1,
      seed: 4,
    });
    try {
      await eventually(
        () => of(edge).filter((s) => s.type === 'DDATA').length,
        (n) => n >= 2,
      );
      const before = of(edge).length;
      // Another connection with the simulator's client ID: the broker drops the simulator's session.
      const thief = await connectAsync('mqtt://127.0.0.1:1883', { clientId: `${edge}:simulator` });
      await thief.endAsync();
      const after = () => of(edge).slice(before);
      const reborn = await eventually(after, (list) => list.some((s) => s.type === 'DDATA' && s.seq === 2), 10_000);
      const birth = reborn.findIndex((s) => s.type === 'NBIRTH');
      expect(birth).toBeGreaterThanOrEqual(0);
      expect(reborn.slice(birth, birth + 3).map((s) => [s.type, s.seq])).toEqual([
        ['NBIRTH', 0],
        ['DBIRTH', 1],
        ['DDATA', 2],
      ]);
      // Before the new birth: the old life's data, its NDEATH, and at most the one report that was in flight
      // when the session was taken (mqtt.js delivers it again on reconnect); nothing reported while offline.
      const death = reborn.findIndex((s) => s.type === 'NDEATH');
      expect(death).toBeGreaterThanOrEqual(0);
      expect(reborn.slice(death + 1, birth).length).toBeLessThanOrEqual(1);
    } finally {
      await running.stop();
    }
  });

  it('holds set points: a DCMD writes one, a change at the panel shows too, and DDATA reads them back', async () => {
    const edge = edgeId('edge-sp');
    const running = await simulate({
      url: 'mqtt://127.0.0.1:1883',
      username: edge,
      password: 'x',
      group,
      edge,
      machines: 1,
      names: ['press-1'],
      setPoints: { 'mould temperature': 212.75 },
      periodMs: 30,
      speed: 1,
      seed: 5,
    });
    try {
      const birth = await eventually(
        () => seen.find((s) => s.topic === `spBv1.0/${group}/DBIRTH/${edge}/press-1`),
        (b) => b !== undefined,
      );
      const setPoint = birth!.metrics.find((m) => m.name === 'SetPoint/mould temperature');
      expect(setPoint).toBeDefined();
      const readBack = () =>
        seen
          .filter((s) => s.topic === `spBv1.0/${group}/DDATA/${edge}/press-1`)
          .map((s) => Number(s.metrics.find((m) => Number(m.alias) === Number(setPoint!.alias))?.value))
          .at(-1);
      const until = (value: number) => eventually(readBack, (v) => v === value);
      expect(await until(212.75)).toBe(212.75);
      await listener.publishAsync(
        `spBv1.0/${group}/DCMD/${edge}/press-1`,
        Buffer.from(
          sparkplug.encodePayload({
            timestamp: Date.now(),
            metrics: [{ name: 'SetPoint/mould temperature', type: 'Double', value: 215.5 }],
          }),
        ),
        { qos: 1 },
      );
      expect(await until(215.5)).toBe(215.5);
      running.machines[0]!.write('mould temperature', 219); // someone at the panel
      expect(await until(219)).toBe(219);
      expect(running.machines[0]!.write('unknown knob', 1)).toBe(false);
    } finally {
      await running.stop();
    }
  });

  it('the CLI prints a readable progress line per report: each machine’s state, good and scrap parts, messages sent', async () => {
    const { env, cleanup } = await testEnvironment();
    const dir = mkdtempSync(join(tmpdir(), 'bastion-sim-'));
    try {
      expect((await cli(['init'], env)).code).toBe(0);
      const secretFile = join(dir, 'secret');
      writeFileSync(secretFile, 'not-checked-by-this-broker\n', { mode: 0o600 });
      const edge = edgeId('edge-cli');
      const result = await cli(
        [
          'simulate',
          ...['--url', 'mqtt://127.0.0.1:1883', '--username', edge, '--secret-file', secretFile],
          ...['--group', group, '--edge', edge, '--machines', '2', '--period', '20', '--speed', '600'],
          ...['--reports', '3'],
        ],
        env,
      );
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(3);
      const line =
        /^machine-1 (running|idle|planned-stop|down \(.+\)), (\d+) good, (\d+) scrap · machine-2 .+ · (\d+) messages sent$/;
      expect(lines.map((l) => line.exec(l)?.[4])).toEqual(['2', '4', '6']);
      expect(result.stderr).not.toMatch(/states [RIDP]+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await cleanup();
    }
  });
});
