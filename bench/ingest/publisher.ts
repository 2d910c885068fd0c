import mqtt, { type MqttClient } from 'mqtt';
import { births, dataPayloads, seqOf, topicOf, type BenchDevice } from './messages.js';

/**
 * A child process (forked by children.ts) that plays the devices: it connects them over TLS, publishes their
 * births, then on "go" sends DDATA as fast as the broker takes it, each client keeping at most `window`
 * publishes outstanding (QoS 1: until the PUBACK; QoS 0: until written to the socket). It runs apart from
 * the broker so that the figures are not one event loop doing both ends.
 */
export type ToPublisher =
  | { type: 'connect'; url: string; ca: string; devices: BenchDevice[]; qos: 0 | 1 }
  | { type: 'go'; messages: number; window: number }
  | { type: 'close' };
export type FromPublisher = { type: 'ready' } | { type: 'done'; ms: number } | { type: 'error'; message: string };

const send = (message: FromPublisher) => process.send!(message);
let clients: { client: MqttClient; device: BenchDevice }[] = [];
let qos: 0 | 1 = 1;

async function connect(message: Extract<ToPublisher, { type: 'connect' }>) {
  qos = message.qos;
  clients = await Promise.all(
    message.devices.map(async (device) => {
      const client = await mqtt.connectAsync(message.url, {
        ca: message.ca,
        clientId: device.name,
        username: device.name,
        password: device.secret,
        reconnectPeriod: 0,
        clean: true,
      });
      client.setMaxListeners(0); // QoS 0 publishes wait for 'drain', up to one listener per publish in flight
      const { nbirth, dbirth } = births(Date.now());
      await client.publishAsync(topicOf(device, 'NBIRTH', false), nbirth, { qos: 1 });
      await client.publishAsync(topicOf(device, 'DBIRTH', true), dbirth, { qos: 1 });
      return { client, device };
    }),
  );
}

/** Sends `messages` DDATA on one client, with a window of publishes in flight. */
function pump(client: MqttClient, device: BenchDevice, messages: number, window: number): Promise<void> {
  const payloads = dataPayloads(Date.now());
  const topic = topicOf(device, 'DDATA', true);
  let sent = 0;
  let settled = 0;
  let pumping = false; // a QoS 0 callback may come synchronously: the loop below then carries on, no recursion
  return new Promise((resolve, reject) => {
    const next = () => {
      if (pumping) return;
      pumping = true;
      while (sent < messages && sent - settled < window) {
        client.publish(topic, payloads[seqOf(sent)]!, { qos }, (error) => {
          if (error) return reject(error);
          settled += 1;
          if (settled === messages) resolve();
          else next();
        });
        sent += 1;
      }
      pumping = false;
    };
    next();
  });
}

async function go(messages: number, window: number) {
  const start = performance.now();
  await Promise.all(clients.map(({ client, device }) => pump(client, device, messages, window)));
  send({ type: 'done', ms: performance.now() - start });
}

process.on('message', (message: ToPublisher) => {
  const fail = (error: unknown) => send({ type: 'error', message: String(error) });
  if (message.type === 'connect') connect(message).then(() => send({ type: 'ready' }), fail);
  else if (message.type === 'go') go(message.messages, message.window).catch(fail);
  else
    void Promise.all(clients.map(({ client }) => client.endAsync())).finally(() => {
      process.disconnect();
    });
});
