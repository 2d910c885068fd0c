import { stateTopic } from './topics.js';

/**
 * Bastion as a Sparkplug B 3.0 primary host application: it announces itself on `spBv1.0/STATE/<hostId>`
 * with a retained QoS 1 JSON message, `{"online":true,"timestamp":T}` when it starts taking data and
 * `{"online":false,"timestamp":T}` when it stops (as the MQTT will, through an external broker, so a crash
 * says it too). Per the specification the birth carries the same timestamp as the will registered with the
 * connection before it, so edge nodes can tell a stale death from the current one.
 */
export class HostState {
  readonly topic: string;
  private timestamp: number;

  constructor(
    hostId: string,
    private readonly now: () => number,
  ) {
    this.topic = stateTopic(hostId);
    this.timestamp = now();
  }

  /** A new connection (or a new start): a new timestamp for its will and the birth that follows. */
  renew(): void {
    this.timestamp = this.now();
  }

  birth(): Buffer {
    return Buffer.from(JSON.stringify({ online: true, timestamp: this.timestamp }));
  }

  death(): Buffer {
    return Buffer.from(JSON.stringify({ online: false, timestamp: this.timestamp }));
  }
}
