import { createRequire } from 'node:module';
import type { MqttClient } from 'mqtt';
import type { MachineSnapshot } from './machine.js';

// sparkplug-payload is CommonJS (the Eclipse Tahu reference codec).
const require = createRequire(import.meta.url);
const sparkplug = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

type Metric = { name?: string; alias?: number; type: 'String' | 'Int64' | 'Double' | 'Boolean'; value: unknown };

/** The metrics each machine reports, in the order of its DBIRTH (DDATA then sends aliases only). */
const MACHINE_METRICS = [
  ['State', 'String'],
  ['Fault', 'String'],
  ['Count/Total', 'Int64'],
  ['Count/Good', 'Int64'],
  ['Temperature', 'Double'],
] as const;

/** Set points follow the fixed metrics, as `SetPoint/<name>` (their read-back). */
const SET_POINT = 'SetPoint/';

function machineMetrics(snapshot: MachineSnapshot): (Metric & { name: string })[] {
  const values = [snapshot.state, snapshot.fault ?? '', snapshot.total, snapshot.good, snapshot.temperature];
  const fixed = MACHINE_METRICS.map(([name, type], i) => ({ name, type, value: values[i] }));
  const setPoints = Object.entries(snapshot.setPoints).map(([name, value]) => ({
    name: `${SET_POINT}${name}`,
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
  /**
   * Each device's metric aliases, handed out at birth. Sparkplug B makes an alias unique across the edge
   * node and all its devices (a host keys aliases per node), so no two machines share one. 0 is the node's bdSeq.
   */
  private aliases = new Map<string, Map<string, number>>();
  private born = false;
  /** Births and reports one after another: a DDATA between an NBIRTH and its DBIRTHs names aliases not yet born. */
  private turn: Promise<unknown> = Promise.resolve();

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
    // A new MQTT session is a new life for the host (the broker sent our NDEATH when the old one dropped):
    // Sparkplug B wants the births again before any data, or the host cannot read the aliases.
    client.on('connect', () => {
      if (this.born) void this.birth().catch(() => undefined);
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

  /** Runs `work` after whatever births or reports were asked for before it. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  birth(): Promise<void> {
    return this.inTurn(() => this.births());
  }

  private async births(): Promise<void> {
    this.seq = 0;
    this.born = true;
    this.aliases = new Map();
    let next = 1;
    await this.publish(this.topic('NBIRTH'), [{ name: 'bdSeq', alias: 0, type: 'Int64', value: this.bdSeq }]);
    for (const [device, snapshot] of this.machines()) {
      const metrics = machineMetrics(snapshot).map((m) => ({ ...m, alias: next++ }));
      this.aliases.set(device, new Map(metrics.map((m) => [m.name, m.alias])));
      await this.publish(this.topic('DBIRTH', device), metrics);
    }
  }

  /** A device's metrics by the aliases of its birth; a metric born since (none today) goes by name. */
  private byAlias(device: string, snapshot: MachineSnapshot): Metric[] {
    const aliases = this.aliases.get(device);
    return machineMetrics(snapshot).map(({ name, ...m }) => {
      const alias = aliases?.get(name);
      return alias !== undefined ? { ...m, alias } : { ...m, name };
    });
  }

  /**
   * One DDATA per machine, all its metrics by alias. Resolves when the broker has acknowledged (QoS 1).
   * Nothing while disconnected: queued data would reach the host after our NDEATH and before the new births
   * (mqtt.js sends its queue first on reconnect); the counters are cumulative, so the next report covers it.
   */
  report(): Promise<number> {
    return this.inTurn(async () => {
      if (!this.client.connected) return 0;
      let sent = 0;
      for (const [device, snapshot] of this.machines()) {
        await this.publish(this.topic('DDATA', device), this.byAlias(device, snapshot));
        sent += 1;
      }
      return sent;
    });
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
