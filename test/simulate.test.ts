import { createRequire } from 'node:module';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../src/simulate/run.js';

const require = createRequire(import.meta.url);
const sparkplug = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

type Seen = { topic: string; seq: number; metrics: { name?: string | null; alias?: unknown; value?: unknown }[] };

// The simulator speaks Sparkplug B to a real broker: the Mosquitto on this machine (issue 5, item 9).
describe('bastion simulate (Sparkplug B over the local Mosquitto)', () => {
  const group = `sim-${process.pid}-${Date.now()}`;
  let listener: MqttClient;
  const seen: Seen[] = [];

  beforeAll(async () => {
    listener = await connectAsync('mqtt://127.0.0.1:1883');
    listener.on('message', (topic, payload) => {
      const decoded = sparkplug.decodePayload(payload);
      seen.push({ topic, seq: Number(decoded.seq ?? -1), metrics: decoded.metrics ?? [] });
    });
    await listener.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
  });
  afterAll(async () => {
    await listener.endAsync();
  });

  it('births its node and machines, reports by alias with rolling sequence numbers, and rebirths on request', async () => {
    const running = await simulate({
      url: 'mqtt://127.0.0.1:1883',
      username: 'edge-1',
      password: 'not-checked-by-this-broker',
      group,
      edge: 'edge-1',
      machines: 2,
      periodMs: 20,
      speed: 600,
      seed: 3,
      reports: 140,
    });
    await running.done;
    await listener.publishAsync(
      `spBv1.0/${group}/NCMD/edge-1`,
      Buffer.from(
        sparkplug.encodePayload({
          timestamp: Date.now(),
          metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
        }),
      ),
      { qos: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await running.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const types = seen.map((s) => s.topic.split('/')[2]);
    expect(types.slice(0, 3)).toEqual(['NBIRTH', 'DBIRTH', 'DBIRTH']);
    expect(types.filter((t) => t === 'DDATA')).toHaveLength(280);
    const births = seen.filter((s) => s.topic.endsWith('/DBIRTH/edge-1/machine-1'));
    expect(births[0]!.metrics.map((m) => m.name)).toEqual([
      'State',
      'Fault',
      'Count/Total',
      'Count/Good',
      'Temperature',
    ]);
    const data = seen.filter((s) => s.topic.includes('/DDATA/'));
    expect(data.every((d) => d.metrics.every((m) => (m.name ?? '') === '' && Number(m.alias) > 0))).toBe(true);
    // Every message of the node carries the next sequence number, 0 after 255, and 0 again at a rebirth.
    const firstRun = seen.slice(0, 3 + 280).map((s) => s.seq);
    expect(firstRun).toEqual(firstRun.map((_, i) => i % 256));
    const rebirth = seen.slice(3 + 280).filter((s) => !s.topic.includes('/NCMD/')); // our own request
    expect(rebirth.map((s) => [s.topic.split('/')[2], s.seq])).toEqual([
      ['NBIRTH', 0],
      ['DBIRTH', 1],
      ['DBIRTH', 2],
    ]);
    const lastTotal = Number(data.at(-1)!.metrics.find((m) => Number(m.alias) === 3)!.value);
    expect(lastTotal).toBeGreaterThan(0); // 140 reports at 600× are over 20 plant minutes
  });
  it('holds set points: a DCMD writes one, a change at the panel shows too, and DDATA reads them back', async () => {
    const edge = 'edge-sp';
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
    const readBack = () =>
      seen
        .filter((s) => s.topic === `spBv1.0/${group}/DDATA/${edge}/press-1`)
        .map((s) => Number(s.metrics.find((m) => Number(m.alias) === 100)?.value))
        .at(-1);
    const until = async (value: number) => {
      for (let i = 0; i < 100 && readBack() !== value; i++) await new Promise((r) => setTimeout(r, 20));
      return readBack();
    };
    expect(await until(212.75)).toBe(212.75);
    const birth = seen.find((s) => s.topic === `spBv1.0/${group}/DBIRTH/${edge}/press-1`)!;
    expect(birth.metrics.map((m) => m.name)).toContain('SetPoint/mould temperature');
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
    await running.stop();
  });
});
