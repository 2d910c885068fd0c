import type { PublishPacket } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { ModuleContext } from '../../kernel/module.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { applyDeviceChange } from './auth.js';
import type { BatchWriter, Settle } from './batch.js';
import { acksDeferrable, DeferredAcks } from './external-acks.js';
import { DeviceDirectory } from './external-devices.js';
import { BrokerLink } from './external-link.js';
import { clientOptions, sharedFilters } from './external-options.js';
import { forwardDownloads } from './downloads.js';
import { HostState } from './host-state.js';
import { publishAuthorizer } from './publish.js';
import type { IngestRuntime } from './runtime.js';
import { createRuntime } from './runtime-factory.js';
import { parseTopic } from './topics.js';

export interface ExternalIngest {
  writer: BatchWriter;
  /** Resolves once the shared subscriptions are in place (the broker may be down at start-up). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const DEVICE_EVENTS = [
  'ingest.device.registered',
  'ingest.device.rotated',
  'ingest.device.quarantined',
  'ingest.device.released',
];

function runtimeFor(
  context: ModuleContext,
  config: BastionConfig,
  logger: Logger,
  client: () => MqttClient,
): IngestRuntime {
  // Without deferred PUBACKs mqtt.js reads the next message only after this one committed: waiting for
  // more to fill a batch would only add latency (batches still grow while one is committing).
  return createRuntime(context, config, logger, {
    maxMessages: acksDeferrable() ? config.mqtt.batchMaxMessages : 1,
    // The broker is the sender here: what comes fast may be a replay of a backlog, not a device's rate.
    // Over the rate, consumption pauses (receive() waits; PUBACKs are held); nothing is dropped or flagged.
    maxHoldMs: Infinity,
    flagFlooding: false,
    send: (topic, payload, onError) =>
      client().publish(topic, payload, { qos: 0 }, (error) => {
        if (error) onError(error);
      }),
  });
}

/**
 * Takes one message from the external broker through the same checks, decoding and batching as the
 * embedded broker (publish.ts), once its topic has named a registered device. `settle` is called once:
 * with no argument when the message may be acknowledged (committed, or refused and recorded), with the
 * error when its batch failed. The returned promise resolves once the message is in a batch, so the
 * next one is interpreted after it (Sparkplug sequence numbers and aliases depend on the order).
 */
function receiver(rt: IngestRuntime, directory: DeviceDirectory) {
  const authorize = publishAuthorizer(rt);
  return async (topic: string, payload: Buffer, settle: Settle): Promise<void> => {
    const route = parseTopic(topic);
    const publisher = route ? await directory.find(route) : undefined;
    if (!publisher) {
      // Who the topic claims to be stands in for the user name, which the external broker does not pass on.
      const claimed = route && (route.kind === 'json' ? route.device : `${route.group}/${route.edge}`);
      rt.security.record('namespace-violation', { username: claimed }, `topic ${topic}: no registered device's`);
      return settle();
    }
    const packet = { cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false } as PublishPacket;
    await authorize(publisher.client, packet, (error) => settle(error ?? undefined));
  };
}

/**
 * External broker mode: instead of running its own broker, Bastion subscribes to the devices' topics on
 * the operator's broker (Mosquitto, EMQX, HiveMQ) with MQTT 5 shared subscriptions, so that the instances
 * in one share group split the messages. A QoS 1 message is acknowledged only after the batch holding it
 * committed (mqtt.js `customHandleAcks`, with the PUBACK held in external-acks.ts), so the broker keeps, and
 * after a reconnect sends again, every message Bastion did not commit.
 */
export function startExternalIngest(context: ModuleContext, config: BastionConfig, logger: Logger): ExternalIngest {
  const url = config.mqtt.url!;
  // The closures below run only once connected, when `client` and `link` are set.
  const rt = runtimeFor(context, config, logger, () => client);
  const directory = new DeviceDirectory(rt);
  const receive = receiver(rt, directory);
  let chain = Promise.resolve();
  const enqueue = (topic: string, payload: Buffer, settle: Settle) => {
    chain = chain.then(() => receive(topic, payload, settle)).catch((error: unknown) => settle(asError(error)));
  };
  let closing = false;
  const failed = (error: Error) => {
    // A failed batch fails all its messages: one log line and one reconnection for all of them. At close,
    // the held messages given up are not a failure: the connection stays until what committed is acknowledged.
    if (!closing && link.restart())
      logger.error({ err: error }, 'external ingest failed; messages not acknowledged will come again');
  };
  const host = new HostState(config.mqtt.hostId, () => context.clock.now());
  const client = mqtt.connect(url, {
    ...clientOptions(config),
    will: { topic: host.topic, payload: host.death(), qos: 1, retain: true },
    manualConnect: true,
    customHandleAcks: (topic, message, packet: { messageId: number }, done) => {
      if (topic === host.topic) return (done(0), ownState(message));
      if (!acks.supported) return enqueue(topic, message, (error) => (error ? (done(error), failed(error)) : done(0)));
      const release = acks.expect(packet.messageId);
      done(0); // mqtt.js goes on reading; the PUBACK it sends next is held by `acks` until `release`
      enqueue(topic, message, (error) => (release(error), error && failed(error)));
    },
  });
  const acks = new DeferredAcks(client);
  // QoS 0 messages arrive here without waiting for anything; QoS 1 ones went through customHandleAcks.
  client.on('message', (topic, message, packet) => {
    if (packet.qos === 0 && topic !== host.topic)
      enqueue(topic, message, (error) => error && logger.error({ err: error }, 'QoS 0 data lost'));
  });
  // Each connection registers its own will; the birth that follows it carries the same timestamp.
  client.on('close', () => {
    host.renew();
    client.options.will = { topic: host.topic, payload: host.death(), qos: 1, retain: true };
  });
  const announce = (payload: Buffer) => client.publishAsync(host.topic, payload, { qos: 1, retain: true });
  const born = () =>
    announce(host.birth()).catch((error: Error) => logger.warn({ err: { message: error.message } }, 'STATE birth'));
  // Sparkplug 3.0: a primary host watches its own STATE topic and answers an `offline` there (the will of
  // another instance with the same host ID, or of an earlier connection) with its birth while it is up.
  const ownState = (payload: Buffer) => {
    if (!closing && client.connected && !onlineIn(payload)) void born();
  };
  const filters = [...sharedFilters(config.mqtt.sharedGroup, config.mqtt.shared), host.topic];
  const link = new BrokerLink(client, filters, logger, new URL(url).host, () => void born());
  client.connect();
  const unsubscribe = DEVICE_EVENTS.map((type) =>
    context.events.subscribe(type, (event) => {
      directory.forget();
      applyDeviceChange(rt, type, String(event.payload.deviceId));
    }),
  );
  unsubscribe.push(
    forwardDownloads(context, logger, (topic, payload) =>
      client.publish(topic, payload, { qos: 1 }, (error) => {
        if (error) logger.error({ err: { message: error.message }, topic }, 'recipe download failed');
      }),
    ),
  );
  return {
    writer: rt.writer,
    ready: link.ready,
    async close() {
      unsubscribe.forEach((stop) => stop());
      closing = true;
      rt.pacer.clear(); // what is held was not acknowledged: the broker sends it again
      await chain;
      await rt.writer.drain(); // commit and acknowledge what was received, while the connection is there
      if (client.connected) await announce(host.death()).catch(() => undefined); // a clean end sends no will
      await link.stop();
      await chain;
      await rt.writer.drain();
    },
  };
}

/** Whether a STATE payload says online; anything unreadable counts as not. */
function onlineIn(payload: Buffer): boolean {
  try {
    return (JSON.parse(payload.toString('utf8')) as { online?: unknown }).online === true;
  } catch {
    return false;
  }
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
