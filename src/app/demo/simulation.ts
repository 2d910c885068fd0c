import type { Logger } from 'pino';
import { loadTls } from '../../http/tls.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import type { MachineProfile } from '../../simulate/machine.js';
import { simulate } from '../../simulate/run.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { RunningServer } from '../serve.js';
import { requireDemoMarker } from './marker.js';
import { DEMO_DEVICE } from './equipment.js';
import { demoMachines, RIM_MACHINES, type DemoMachine } from './plant.js';

export { DEMO_DEVICE } from './equipment.js';

const FAULTS: Record<string, string[]> = {
  'press-1': ['billet jam at container', 'die temperature low', 'hydraulic pressure low'],
  'roller-1': ['profile misfeed', 'roll gap out of tolerance'],
  'welder-1': ['weld current fault', 'clamp misalignment'],
  'cnc-1': ['tool breakage', 'coolant low', 'spoke-hole position alarm'],
};

/**
 * The rim line as a visitor should see it in the first minutes: running at the equipment's ideal cycle
 * times (a little slower, as machines do), some scrap, and a breakdown on each machine in turn, the first
 * one within a minute. Real machines fail every few hours; the demo compresses that so the charts move.
 */
export function demoProfiles(): MachineProfile[] {
  return RIM_MACHINES.map((name: DemoMachine, i) => {
    const faults = FAULTS[name] ?? ['fault'];
    return {
      name,
      idealCycleSeconds: demoMachines[name].idealCycleSeconds,
      speedFactor: 1.05 + (i % 3) * 0.05,
      scrapRate: 0.02 + (i % 3) * 0.015,
      mtbfMinutes: 6 + i * 2,
      mttrMinutes: 0.75 + (i % 2) * 0.5,
      faults,
      firstStop: { afterSeconds: 40 + i * 15, fault: faults[0]! },
    };
  });
}

/**
 * The secret the simulator connects with. It is never stored: each start rotates it (an audited command)
 * and hands the new one to the in-process simulator only.
 */
async function demoSecret(server: RunningServer): Promise<string> {
  const { pipeline, storage } = server.bastion;
  const known = await storage.db
    .selectFrom('ingest_devices')
    .select('id')
    .where('name', '=', DEMO_DEVICE.name)
    .executeTakeFirst();
  const result = known
    ? await pipeline.execute<{ secret: string }>(
        'ingest.device.rotate',
        { name: DEMO_DEVICE.name },
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      )
    : await pipeline.execute<{ secret: string }>('ingest.device.register', DEMO_DEVICE, CONSOLE_ACTOR, CLI_ORIGIN);
  return result.secret;
}

/**
 * On a demo data directory served with the embedded broker, runs the rim line's machines as a simulated
 * Sparkplug edge node, so states, counts and OEE move while someone looks. Anything else: nothing.
 */
export async function startDemoSimulation(
  server: RunningServer,
  config: BastionConfig,
  logger: Logger,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (!server.ingest) return undefined;
  try {
    requireDemoMarker(config);
  } catch {
    return undefined;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const running = await simulate({
    url: `mqtts://${host}:${server.ingest.port}`,
    ca: loadTls(config).cert.toString('utf8'),
    username: DEMO_DEVICE.name,
    password: await demoSecret(server),
    group: DEMO_DEVICE.groupId,
    edge: DEMO_DEVICE.edgeNodeId,
    machines: RIM_MACHINES.length,
    profiles: demoProfiles(),
    periodMs: 2000,
    speed: 1,
    seed: Date.now() % 1_000_000,
  });
  logger.info({ device: DEMO_DEVICE.name, machines: RIM_MACHINES.length }, 'demo machines are running');
  return running;
}
