import type { MqttClient } from 'mqtt';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../src/kernel/actors.js';
import { openBastion, type Bastion } from '../../src/app/bastion.js';
import { initialize } from '../../src/app/init.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';
import { encodeSparkplug } from '../../src/modules/ingest/payloads.js';
import { seedPlant } from './plant.js';

/** A press under line 1 of the test plant, and the edge node (device press-1) that publishes for it. */
export const EQUIPMENT = '/site-1/area-1/line-1/press';
/** Where the `press` edge node of group `plant` publishes its data. */
export const NDATA = 'spBv1.0/plant/NDATA/press';

/**
 * Initialises the data directory `env` points at, as `bastion init` would, seeds the test plant, adds the press
 * and registers device press-1 for it; `more` then runs on the same Bastion before it closes. Returns the
 * device's MQTT secret.
 */
export async function initPressDevice(
  env: Record<string, string>,
  dataDir: string,
  more: (bastion: Bastion) => Promise<void> = () => Promise.resolve(),
): Promise<string> {
  const config = loadConfig({ env, cwd: dataDir });
  const logger = createLogger('silent');
  await initialize(config, logger);
  const bastion = await openBastion(config, { logger });
  try {
    const run = (name: string, input: object) => bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
    await seedPlant(bastion);
    await run('plant.node.create', {
      parentPath: '/site-1/area-1/line-1',
      level: 'equipment',
      code: 'press',
      name: 'press',
    });
    const device = { name: 'press-1', equipment: EQUIPMENT, groupId: 'plant', edgeNodeId: 'press' };
    const { secret } = (await run('ingest.device.register', device)) as { secret: string };
    await more(bastion);
    return secret;
  } finally {
    await bastion.close();
  }
}

/** A Sparkplug payload carrying `n` as the Int64 metric `n`, so a stored value names the message it came in. */
export const message = (n: number) =>
  encodeSparkplug({ timestamp: Date.now(), seq: n % 256, metrics: [{ name: 'n', type: 'Int64', value: n }] });

/**
 * Publishes numbered QoS 1 messages to NDATA, numbers drawn from `next`, up to `window` unacknowledged at a time,
 * adding to `acked` each number whose PUBACK arrived. Resolves when the connection goes, a publication fails,
 * or (checked before each publication) `stopped()` holds.
 */
export function publishNumbered(
  client: MqttClient,
  options: { window: number; next: () => number; acked: Set<number>; stopped?: () => boolean },
): Promise<void> {
  const { window, next, acked, stopped = () => false } = options;
  return new Promise<void>((resolve) => {
    let open = true;
    const pump = () => {
      if (!open || stopped()) return resolve();
      const n = next();
      client.publishAsync(NDATA, message(n), { qos: 1 }).then(
        () => (acked.add(n), pump()),
        () => ((open = false), resolve()),
      );
    };
    client.once('close', () => ((open = false), resolve()));
    for (let i = 0; i < window; i++) pump();
  });
}
