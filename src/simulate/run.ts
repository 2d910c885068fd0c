import { connectAsync, type IClientOptions } from 'mqtt';
import { seeded, SimulatedMachine, type MachineProfile, type MachineSnapshot } from './machine.js';
import { SparkplugEdge } from './sparkplug-edge.js';

export interface SimulationOptions {
  /** mqtts://host:8883 (TLS) or mqtt://host:port. */
  url: string;
  /** PEM of the CA (Bastion's self-signed certificate) that the broker's certificate must chain to. */
  ca?: string;
  username: string;
  password: string;
  group: string;
  edge: string;
  machines: number;
  /** The machines' own profiles (ideal cycle time, reliability), instead of lineProfiles' generic ones. */
  profiles?: MachineProfile[];
  /** Sparkplug device IDs of the machines (default machine-1, machine-2, …): name them after the equipment. */
  names?: string[];
  /** Set points every machine holds at start (a download from Bastion changes them through DCMD). */
  setPoints?: Record<string, number>;
  /** Real milliseconds between reports. */
  periodMs: number;
  /** Plant seconds per real second (60: an hour in a minute). */
  speed: number;
  seed: number;
  /** Stop after this many reports (default: run until stopped). */
  reports?: number;
  onReport?: (report: { sent: number; machines: Map<string, MachineSnapshot> }) => void;
}

/** How long stop() lets a report in progress finish before it closes the connection regardless. */
const STOP_GRACE_MS = 2000;

const FAULTS = ['jam at infeed', 'tool breakage', 'sensor fault', 'material shortage', 'hydraulic pressure low'];

/** A small line of machines of different speeds and reliability. */
export function lineProfiles(
  count: number,
  names: string[] = [],
  setPoints: Record<string, number> = {},
): MachineProfile[] {
  return Array.from({ length: count }, (_, i) => ({
    name: names[i] ?? `machine-${i + 1}`,
    idealCycleSeconds: [2, 3, 1.5, 4][i % 4]!,
    speedFactor: 1.05 + (i % 3) * 0.05,
    scrapRate: 0.01 + (i % 4) * 0.01,
    mtbfMinutes: 40 + (i % 5) * 15,
    mttrMinutes: 4 + (i % 3) * 3,
    faults: FAULTS,
    setPoints,
  }));
}

/** Runs virtual machines publishing Sparkplug B to a broker; resolves with a stop function once born. */
export interface Simulation {
  /** The machines, for a test (or an operator at the panel) to change a set point behind Bastion's back. */
  machines: SimulatedMachine[];
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function simulate(options: SimulationOptions): Promise<Simulation> {
  const random = seeded(options.seed);
  const profiles = options.profiles ?? lineProfiles(options.machines, options.names, options.setPoints);
  const machines = profiles.map((p) => new SimulatedMachine(p, random));
  const snapshots = () => new Map(machines.map((m) => [m.profile.name, m.snapshot()]));
  const client = await connectAsync(options.url, {
    // Bastion's broker accepts a device's own name (or `name:…`) as client ID, never another device's.
    clientId: `${options.username}:simulator`,
    username: options.username,
    password: options.password,
    ca: options.ca,
    rejectUnauthorized: true,
    clean: true,
    reconnectPeriod: 1000,
    will: SparkplugEdge.will(options.group, options.edge),
  } satisfies IClientOptions);
  const byName = new Map(machines.map((m) => [m.profile.name, m]));
  const edge = new SparkplugEdge(client, options.group, options.edge, snapshots, (device, name, value) =>
    byName.get(device)?.write(name, value),
  );
  await edge.start();
  let stopped = false;
  let count = 0;
  let wake = () => undefined as void;
  const done = (async () => {
    while (!stopped && (options.reports === undefined || count < options.reports)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.periodMs);
        wake = () => (clearTimeout(timer), resolve());
      });
      if (stopped) break;
      for (const machine of machines) machine.step((options.periodMs / 1000) * options.speed);
      const sent = await edge.report();
      count += 1;
      options.onReport?.({ sent, machines: snapshots() });
    }
  })();
  return {
    machines,
    done,
    async stop() {
      stopped = true;
      wake();
      // A report waits for its PUBACKs, which never come while the client cannot connect (its secret was
      // rotated, the broker is gone): the loop gets a moment to finish, then the connection is cut anyway.
      let grace: NodeJS.Timeout | undefined;
      const timeUp = new Promise<boolean>((resolve) => (grace = setTimeout(() => resolve(false), STOP_GRACE_MS)));
      const finished = await Promise.race([
        done.then(
          () => true,
          () => true,
        ),
        timeUp,
      ]);
      clearTimeout(grace);
      // A clean DISCONNECT when it can be sent (no will then); otherwise the connection is simply cut.
      await client.endAsync(!finished || !client.connected);
    },
  };
}
