import mqtt, { type MqttClient } from 'mqtt';
import { GROUP } from './messages.js';

/**
 * A child process for the bare-broker baseline: one subscriber to every device's DDATA, at the QoS of the
 * run, that reports when it has received `expected` messages. Kept out of the broker's process, as the
 * publishers are.
 */
export type ToSubscriber =
  { type: 'connect'; url: string; ca: string; qos: 0 | 1 } | { type: 'expect'; count: number } | { type: 'close' };
export type FromSubscriber =
  { type: 'ready' } | { type: 'received'; count: number } | { type: 'error'; message: string };

const send = (message: FromSubscriber) => process.send!(message);
let client: MqttClient | undefined;
let received = 0;
let expected = Infinity;

async function connect(message: Extract<ToSubscriber, { type: 'connect' }>) {
  client = await mqtt.connectAsync(message.url, { ca: message.ca, clientId: 'bench-subscriber', reconnectPeriod: 0 });
  client.on('message', (topic) => {
    if (!topic.includes('/DDATA/')) return;
    received += 1;
    if (received === expected) send({ type: 'received', count: received });
  });
  await client.subscribeAsync(`spBv1.0/${GROUP}/DDATA/#`, { qos: message.qos });
}

process.on('message', (message: ToSubscriber) => {
  if (message.type === 'connect')
    connect(message).then(
      () => send({ type: 'ready' }),
      (error: unknown) => send({ type: 'error', message: String(error) }),
    );
  else if (message.type === 'expect') {
    [received, expected] = [0, message.count];
  } else void client?.endAsync().finally(() => process.disconnect());
});
