import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/kernel/config/load.js';
import { openStorage } from '../src/storage/open.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { freePort, until } from './support/eventually.js';
import { initPressDevice, message, publishNumbered } from './support/press-device.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

/**
 * Publishes numbered QoS 1 messages, up to 100 unacknowledged at a time, until the connection goes;
 * returns the numbers whose PUBACK arrived, and a promise of the end.
 */
function stream(client: MqttClient): { acked: Set<number>; ended: Promise<void> } {
  const acked = new Set<number>();
  let next = 1;
  const ended = publishNumbered(client, { window: 100, next: () => next++, acked });
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
    requireBuiltCli();
    ({ env, dataDir, cleanup } = await testEnvironment({ BASTION_MQTT_MAX_RATE: '1000000' }));
    // Chosen here, not 0: the restarted server must listen on the same ports as the killed one.
    env.BASTION_PORT = String(await freePort());
    env.BASTION_MQTT_PORT = String(await freePort());
    secret = await initPressDevice(env, dataDir);
  });
  afterEach(async () => {
    for (const child of children) killIfRunning(child);
    await cleanup();
  });

  it('keeps every acknowledged message after a SIGKILL mid-stream and a restart', async () => {
    const { child: first } = await serveProcess(env);
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
    await until(() => (acked.size >= 500 ? true : undefined), '500 acknowledged messages', 30_000);
    const dead = exitOf(first);
    first.kill('SIGKILL');
    await dead;
    await ended;
    client.end(true);

    const { child: second } = await serveProcess(env);
    children.push(second);
    const stopped = exitOf(second);
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
