import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/app/actors.js';
import { openBastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { createLogger } from '../src/kernel/logger.js';
import { encodeSparkplug } from '../src/modules/ingest/payloads.js';
import { openStorage } from '../src/storage/open.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { freePort } from './support/eventually.js';
import { seedPlant } from './support/plant.js';

const bin = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
const NDATA = 'spBv1.0/plant/NDATA/press';
const message = (n: number) =>
  encodeSparkplug({ timestamp: Date.now(), seq: n % 256, metrics: [{ name: 'n', type: 'Int64', value: n }] });

/** `bastion serve` in a child process, resolved once it says it serves (its broker listens by then). */
function serve(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    const read = (d: Buffer) => {
      output += d.toString();
      if (!output.includes('Bastion is serving')) return;
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

/**
 * Publishes numbered QoS 1 messages, up to 100 unacknowledged at a time, until the connection goes;
 * returns the numbers whose PUBACK arrived, and a promise of the end.
 */
function stream(client: MqttClient): { acked: Set<number>; ended: Promise<void> } {
  const acked = new Set<number>();
  let next = 1;
  let open = true;
  const ended = new Promise<void>((resolve) => {
    const pump = () => {
      if (!open) return resolve();
      const n = next++;
      client.publishAsync(NDATA, message(n), { qos: 1 }).then(
        () => (acked.add(n), pump()),
        () => ((open = false), resolve()),
      );
    };
    client.once('close', () => ((open = false), resolve()));
    for (let i = 0; i < 100; i++) pump();
  });
  return { acked, ended };
}

// Issue 5 acceptance: killing Bastion with SIGKILL while a publisher sends QoS 1 loses no acknowledged message.
describe(`ingest durability under SIGKILL (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let secret: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    ({ env, dataDir, cleanup } = await testEnvironment({ BASTION_MQTT_MAX_RATE: '1000000' }));
    // Chosen here, not 0: the restarted server must listen on the same ports as the killed one.
    env.BASTION_PORT = String(await freePort());
    env.BASTION_MQTT_PORT = String(await freePort());
    const config = loadConfig({ env, cwd: dataDir });
    const logger = createLogger('silent');
    await initialize(config, logger);
    const bastion = await openBastion(config, { logger });
    try {
      const run = (name: string, input: object) => bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
      await seedPlant(bastion);
      const equipment = '/site-1/area-1/line-1/press';
      await run('plant.node.create', {
        parentPath: '/site-1/area-1/line-1',
        level: 'equipment',
        code: 'press',
        name: 'press',
      });
      const device = { name: 'press-1', equipment, groupId: 'plant', edgeNodeId: 'press' };
      ({ secret } = (await run('ingest.device.register', device)) as { secret: string });
    } finally {
      await bastion.close();
    }
  });
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanup();
  });

  it('keeps every acknowledged message after a SIGKILL mid-stream and a restart', async () => {
    const first = await serve(env);
    children.push(first);
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${env.BASTION_MQTT_PORT}`, {
      ca: readFileSync(join(dataDir, 'tls', 'server.crt')),
      clientId: 'press-1',
      username: 'press-1',
      password: secret,
      reconnectPeriod: 0,
    });
    client.on('error', () => undefined); // the kill breaks the connection; that is the point
    await client.publishAsync('spBv1.0/plant/NBIRTH/press', message(0), { qos: 1 });
    const { acked, ended } = stream(client);
    while (acked.size < 500) await new Promise((resolve) => setTimeout(resolve, 5));
    const dead = exited(first);
    first.kill('SIGKILL');
    await dead;
    await ended;
    client.end(true);

    const second = await serve(env);
    children.push(second);
    const stopped = exited(second);
    second.kill('SIGTERM');
    await stopped;

    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    try {
      const rows = await storage.db.selectFrom('ingest_values').select('value_num').where('metric', '=', 'n').execute();
      const stored = new Set(rows.map((r) => Number(r.value_num)));
      const lost = [...acked].filter((n) => !stored.has(n));
      expect(acked.size).toBeGreaterThanOrEqual(500);
      expect(lost).toEqual([]);
    } finally {
      await storage.close();
    }
  }, 90_000);
});
