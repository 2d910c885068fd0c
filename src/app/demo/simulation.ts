import type { Logger } from 'pino';
import { loadTls } from '../../http/tls.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { simulate } from '../../simulate/run.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import type { RunningServer } from '../serve.js';
import { requireDemoMarker } from './marker.js';
import { RIM_LINE } from './plant.js';

/** The demo's edge node: the rim line's machines, named after their equipment so their data lands on them. */
export const DEMO_DEVICE = { name: 'rim-line-edge', groupId: 'riverside', edgeNodeId: 'rim-line', equipment: RIM_LINE };
const DEMO_MACHINES = ['press-1', 'roller-1', 'welder-1', 'cnc-1'];

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
    machines: DEMO_MACHINES.length,
    names: DEMO_MACHINES,
    periodMs: 2000,
    speed: 1,
    seed: Date.now() % 1_000_000,
  });
  logger.info({ device: DEMO_DEVICE.name, machines: DEMO_MACHINES.length }, 'demo machines are running');
  return running;
}
