import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesPublishPacket, type Client, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import type { ModuleContext } from '../../kernel/module.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { loadTls, tlsPolicy } from '../../http/index.js';
import { applyDeviceChange, authenticator, trackClients } from './auth.js';
import { forwardDownloads } from './downloads.js';
import { HostState } from './host-state.js';
import { publishAuthorizer } from './publish.js';
import type { BatchWriter } from './batch.js';
import type { IngestRuntime } from './runtime.js';
import { createRuntime } from './runtime-factory.js';
import { maySubscribe } from './topics.js';

export interface RunningIngest {
  /** The TLS port actually listened on (useful when configured as 0). */
  port: number;
  plainPort?: number;
  writer: BatchWriter;
  close(): Promise<void>;
}

const COMMAND_TOPIC = /^spBv1\.0\/([^/]+\/(NCMD|DCMD)\/|STATE\/[^/]+$)/;
const DEVICE_EVENTS = ['ingest.device.rotated', 'ingest.device.quarantined', 'ingest.device.released'];

/** How much waiting a device may pile up before it is disconnected: several connections pushing at once. */
const MAX_HOLD_MS = 30_000;

export interface IngestOptions {
  /** Overrides MAX_HOLD_MS (tests). */
  maxHoldMs?: number;
}

function runtimeFor(
  context: ModuleContext,
  config: BastionConfig,
  logger: Logger,
  broker: () => Aedes,
  options: IngestOptions,
): IngestRuntime {
  return createRuntime(context, config, logger, {
    maxMessages: config.mqtt.batchMaxMessages,
    // A device is the sender here: over its rate it is slowed (and flagged), and disconnected only once
    // it has more than this much waiting.
    maxHoldMs: options.maxHoldMs ?? MAX_HOLD_MS,
    flagFlooding: true,
    send: (topic, payload, onError) =>
      broker().publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, (error) => {
        if (error) onError(error);
      }),
  });
}

function hooks(rt: IngestRuntime, hostId: string) {
  return {
    authenticate: authenticator(rt),
    authorizePublish: publishAuthorizer(rt),
    authorizeSubscribe(client: Client, sub: Subscription, done: (e: Error | null, s?: Subscription | null) => void) {
      const session = rt.sessions.get(client);
      if (session && maySubscribe(session, sub.topic, hostId)) return done(null, sub);
      rt.security.record(
        'namespace-violation',
        { deviceId: session?.id, username: session?.name },
        `subscribe ${sub.topic}`,
      );
      done(new Error('subscription outside the device namespace'));
    },
    // Only Bastion's own commands and STATE are delivered; device data is consumed here, never relayed to anyone.
    authorizeForward: (_client: Client, packet: AedesPublishPacket) =>
      COMMAND_TOPIC.test(packet.topic) ? packet : null,
  };
}

/** Publishes Bastion's STATE (retained, QoS 1) to the devices connected now and to come. */
function announce(broker: Aedes, topic: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: true, dup: false }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The embedded MQTT broker for devices: TLS (with the certificate HTTPS serves) on `mqtt.port`, plain
 * TCP only when `mqtt.plainPort` is set. Every message goes through the hooks in auth.ts and publish.ts.
 */
export async function startIngest(
  context: ModuleContext,
  config: BastionConfig,
  logger: Logger,
  options: IngestOptions = {},
): Promise<RunningIngest> {
  // The rebirth requester needs the broker, which needs the hooks: the closure reads it after start-up.
  const rt = runtimeFor(context, config, logger, () => broker, options);
  const broker = await Aedes.createBroker(hooks(rt, config.mqtt.hostId));
  broker.on('clientReady', (client) => trackClients(rt, client, true));
  broker.on('clientDisconnect', (client) => trackClients(rt, client, false));
  const unsubscribe = DEVICE_EVENTS.map((type) =>
    context.events.subscribe(type, (event) => applyDeviceChange(rt, type, String(event.payload.deviceId))),
  );
  unsubscribe.push(
    forwardDownloads(context, logger, (topic, payload) =>
      broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, (error) => {
        if (error) logger.error({ err: error, topic }, 'recipe download failed');
      }),
    ),
  );
  const handle = broker.handle.bind(broker);
  const tls = createTlsServer({ ...loadTls(config), ...tlsPolicy(config.tls) }, handle);
  const servers: Server[] = [tls];
  const port = await listen(tls, config.mqtt.port, config.host);
  let plainPort: number | undefined;
  if (config.mqtt.plainPort !== undefined) {
    const plain = createTcpServer(handle);
    servers.push(plain);
    plainPort = await listen(plain, config.mqtt.plainPort, config.host);
  }
  const host = new HostState(config.mqtt.hostId, () => context.clock.now());
  await announce(broker, host.topic, host.birth());
  logger.info({ port, plainPort, hostId: config.mqtt.hostId }, 'MQTT broker listening');
  return {
    port,
    plainPort,
    writer: rt.writer,
    async close() {
      unsubscribe.forEach((stop) => stop());
      const closing = servers.map(closeServer); // no new connections from here on
      rt.pacer.clear(); // held messages were not acknowledged: their devices send them again
      await announce(broker, host.topic, host.death()).catch(() => undefined);
      await rt.writer.drain(); // commit and acknowledge what was received, while clients are still there
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all(closing);
      await rt.writer.drain();
    },
  };
}
