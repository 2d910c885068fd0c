import { MqttClient } from 'mqtt';

type Send = (packet: { cmd: string; messageId?: number }, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

interface Held {
  generation: number;
  /** The PUBACK mqtt.js wanted to send, once it has tried. */
  puback?: { cmd: string; messageId?: number };
  /** Set when the batch settled before mqtt.js tried to send (so the PUBACK goes out at once). */
  settled?: boolean;
}

/**
 * Holds each QoS 1 PUBACK until the batch holding its message has committed, without stopping the
 * connection meanwhile. mqtt.js reads the next packet only after it has sent the PUBACK of the previous
 * one (lib/handlers/publish.js: customHandleAcks → handleMessage → _sendPacket(puback, done)), so holding
 * the `customHandleAcks` callback itself would commit one message per transaction: about 850 messages/s
 * on SQLite and far fewer on PostgreSQL, measured. Instead the callback is answered at once and the
 * PUBACK that follows is kept back here: mqtt.js goes on reading, batches fill, and the broker still gets
 * no acknowledgement before the commit. The broker's window (Receive Maximum) bounds what is held.
 *
 * This wraps mqtt.js's private `_sendPacket`; `supported` is false when a later mqtt.js has none, and the
 * caller then holds the callback instead (slow but just as safe).
 */
export const acksDeferrable = (): boolean =>
  typeof (MqttClient.prototype as unknown as { _sendPacket?: unknown })._sendPacket === 'function';

export class DeferredAcks {
  private readonly held = new Map<number, Held>();
  private generation = 0;
  private readonly send: Send | undefined;

  constructor(private readonly client: MqttClient) {
    const target = client as unknown as { _sendPacket: Send };
    this.send = acksDeferrable() ? target._sendPacket.bind(client) : undefined;
    if (this.send) target._sendPacket = (packet, cb, ...rest) => this.intercept(packet, cb, rest);
    // Packet IDs are per connection: a PUBACK held across a reconnect would name another message.
    client.on('close', () => {
      this.generation += 1;
      this.held.clear();
    });
  }

  get supported(): boolean {
    return this.send !== undefined;
  }

  /** Called before mqtt.js is told to go on: its PUBACK for `messageId` will wait for `settle`. */
  expect(messageId: number): (error?: Error) => void {
    const entry: Held = { generation: this.generation };
    this.held.set(messageId, entry);
    return (error) => {
      if (this.held.get(messageId) !== entry) return; // the connection went; the broker sends it again
      if (error) return void this.held.delete(messageId); // no PUBACK: sent again after the reconnect
      if (!entry.puback) return void (entry.settled = true);
      this.held.delete(messageId);
      this.send!(entry.puback);
    };
  }

  private intercept(
    packet: { cmd: string; messageId?: number },
    cb: ((e?: Error) => void) | undefined,
    rest: unknown[],
  ) {
    const entry = packet.cmd === 'puback' ? this.held.get(packet.messageId!) : undefined;
    if (!entry || entry.generation !== this.generation) return this.send!(packet, cb, ...rest);
    if (entry.settled) {
      this.held.delete(packet.messageId!);
      return this.send!(packet, cb, ...rest);
    }
    entry.puback = packet;
    cb?.(); // mqtt.js reads the next packet; the PUBACK itself waits for the commit
  }
}
