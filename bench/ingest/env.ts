import type { AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import { Aedes } from 'aedes';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../src/kernel/actors.js';
import { loadTls } from '../../src/http/tls.js';
import type { BastionConfig } from '../../src/kernel/config/schema.js';
import { startIngest, type RunningIngest } from '../../src/modules/ingest/broker.js';
import { openBenchBastion, type BenchBastion } from '../support/env.js';
import { GROUP, type BenchDevice } from './messages.js';

type MqttSettings = BastionConfig['mqtt'];

export const LINE = '/bench-site/area/line';

/** A plant line for the devices to be bound to, made through the pipeline like any import. */
const level = (ID: string, EquipmentLevel: string, Equipment: object[] = []) => ({
  ID,
  Description: `Bench ${ID}`,
  EquipmentLevel,
  Equipment,
});
const plant = {
  Equipment: level('bench', 'Enterprise', [
    level('bench-site', 'Site', [level('area', 'Area', [level('line', 'ProductionLine')])]),
  ]),
};

export interface IngestBenchEnv extends BenchBastion {
  devices: BenchDevice[];
  ingest: RunningIngest;
  url: string;
  ca: string;
  /** The certificate's key, for the bare broker to serve the same certificate. */
  key: Buffer;
}

/**
 * A fresh Bastion with `count` registered devices and its embedded broker on a free TLS port. The
 * per-device flood limit (1,000 messages/s by default) is raised out of the way: this measures how fast
 * ingest can go, not how fast it lets one device go.
 */
export async function openIngestBench(count: number, mqtt: Partial<MqttSettings> = {}): Promise<IngestBenchEnv> {
  const env = await openBenchBastion({ BASTION_MQTT_PORT: '0' });
  try {
    return await prepare(env, count, mqtt);
  } catch (error) {
    await env.close();
    throw error;
  }
}

async function prepare(env: BenchBastion, count: number, settings: Partial<MqttSettings>): Promise<IngestBenchEnv> {
  const { bastion } = env;
  const run = <R>(name: string, input: object) => bastion.pipeline.execute<R>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  await run('plant.import', plant);
  const devices: BenchDevice[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `bench-edge-${i}`;
    const { secret } = await run<{ secret: string }>('ingest.device.register', {
      name,
      equipment: LINE,
      groupId: GROUP,
      edgeNodeId: name,
    });
    devices.push({ name, secret, edge: name, device: `sensor-${i}` });
  }
  const config = bastion.config;
  const mqtt = { ...config.mqtt, port: 0, maxMessagesPerSecond: 1_000_000, ...settings };
  const ingest = await startIngest(bastion.context, { ...config, mqtt }, bastion.logger);
  const tls = loadTls(config);
  const close = async () => {
    await ingest.close();
    await env.close();
  };
  return {
    ...env,
    close,
    devices,
    ingest,
    url: `mqtts://127.0.0.1:${ingest.port}`,
    ca: tls.cert.toString('utf8'),
    key: tls.key,
  };
}

/** The baseline broker: a plain aedes, no authentication, no hooks, same certificate and TLS settings. */
export async function startBareBroker(tls: {
  cert: Buffer;
  key: Buffer;
}): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server = createServer({ ...tls, minVersion: 'TLSv1.2' }, broker.handle.bind(broker));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
