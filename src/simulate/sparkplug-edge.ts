import { createRequire } from 'node:module';
import type { MqttClient } from 'mqtt';
import type { MachineSnapshot } from './machine.js';

// sparkplug-payload is CommonJS (the Eclipse Tahu reference codec).
const require = createRequire(import.meta.url);
const sparkplug = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

type Metric = { name?: string; alias: number; type: 'String' | 'Int64' | 'Double' | 'Boolean'; value: unknown };

/** The metrics each machine reports, with the alias it gets in its DBIRTH (DDATA then sends aliases only). */
const MACHINE_METRICS = [
  ['State', 'String'],
  ['Fault', 'String'],
  ['Count/Total', 'Int64'],
  ['Count/Good', 'Int64'],
  ['Temperature', 'Double'],
] as const;

/** Set points follow the fixed metrics, as `SetPoint/<name>` (their read-back), aliases from 100 up. */
const SET_POINT = 'SetPoint/';
const SET_POINT_ALIAS = 100;

function machineMetrics(snapshot: MachineSnapshot, withNames: boolean): Metric[] {
  const values = [snapshot.state, snapshot.fault ?? '', snapshot.total, snapshot.good, snapshot.temperature];
  const fixed = MACHINE_METRICS.map(([name, type], i) => ({
    ...(withNames ? { name } : {}),
    alias: i + 1,
    type,
    value: values[i],
  }));
  const setPoints = Object.entries(snapshot.setPoints).map(([name, value], i) => ({
    ...(withNames ? { name: `${SET_POINT}${name}` } : {}),
    alias: SET_POINT_ALIAS + i,
    type: 'Double' as const,
    value,
  }));
  return [...fixed, ...setPoints];
}

/**
 * A Sparkplug B edge node with one device per machine: NBIRTH/DBIRTH with names and aliases, DDATA by alias,
 * sequence numbers 0–255, NDEATH as the MQTT will, and a fresh birth when Bastion asks for one (rebirth).
 */
export class SparkplugEdge {
  private seq = 0;
  private bdSeq = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly group: string,
    private readonly edge: string,
    private readonly machines: () => Map<string, MachineSnapshot>,
    private readonly write: (device: string, name: string, value: number) => void = () => undefined,
  ) {
    client.on('message', (topic, payload) => {
      const command = this.deviceCommand(topic);
      if (command !== undefined) {
        for (const m of sparkplug.decodePayload(payload).metrics ?? [])
          if (typeof m.name === 'string' && m.name.startsWith(SET_POINT))
            this.write(command, m.name.slice(SET_POINT.length), Number(m.value));
        return;
      }
      if (topic !== this.topic('NCMD')) return;
      const metrics = sparkplug.decodePayload(payload).metrics ?? [];
      if (
        metrics.some(
          (m: { name?: string | null; value?: unknown }) => m.name === 'Node Control/Rebirth' && m.value === true,
        )
      )
        void this.birth();
    });
  }

  /** The NDEATH the broker publishes if this edge disappears; pass it as the MQTT will. */
  static will(group: string, edge: string, bdSeq = 0) {
    const payload = sparkplug.encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'bdSeq', type: 'Int64', value: bdSeq }],
    });
    return { topic: `spBv1.0/${group}/NDEATH/${edge}`, payload: Buffer.from(payload), qos: 1 as const, retain: false };
  }

  /** The machine a DCMD is for, when `topic` is one of this node's device commands. */
  private deviceCommand(topic: string): string | undefined {
    const prefix = `${this.topic('DCMD')}/`;
    const device = topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined;
    return device !== undefined && device !== '' && this.machines().has(device) ? device : undefined;
  }

  async start(): Promise<void> {
    await this.client.subscribeAsync(this.topic('NCMD'), { qos: 1 });
    await this.client.subscribeAsync(`${this.topic('DCMD')}/+`, { qos: 1 });
    await this.birth();
  }

  async birth(): Promise<void> {
    this.seq = 0;
    await this.publish(this.topic('NBIRTH'), [{ name: 'bdSeq', alias: 0, type: 'Int64', value: this.bdSeq }]);
    for (const [device, snapshot] of this.machines())
      await this.publish(this.topic('DBIRTH', device), machineMetrics(snapshot, true));
  }

  /** One DDATA per machine, all its metrics by alias. Resolves when the broker has acknowledged (QoS 1). */
  async report(): Promise<number> {
    let sent = 0;
    for (const [device, snapshot] of this.machines()) {
      await this.publish(this.topic('DDATA', device), machineMetrics(snapshot, false));
      sent += 1;
    }
    return sent;
  }

  private topic(type: string, device?: string) {
    return `spBv1.0/${this.group}/${type}/${this.edge}${device !== undefined && device !== '' ? `/${device}` : ''}`;
  }

  private async publish(topic: string, metrics: Metric[]) {
    const payload = sparkplug.encodePayload({
      timestamp: Date.now(),
      seq: this.seq,
      metrics: metrics.map((m) => ({ ...m, timestamp: Date.now() })) as never,
    });
    this.seq = (this.seq + 1) % 256;
    await this.client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  }
}
