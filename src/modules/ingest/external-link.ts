import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

// Short: with a persistent session the broker keeps what comes meanwhile, but an instance away for long
// lets the broker's queue fill; a few instances retrying every 5 s do not hammer a restarting broker.
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
/** How long a stop waits for the broker to acknowledge Bastion's own last publications. */
const STOP_GRACE_MS = 2000;

/** What is safe to log of a client error: never the options, which hold the password. */
const safe = (error: Error & { code?: unknown }) => ({ message: error.message, code: error.code });

/**
 * Keeps the connection to the external broker up: subscribes after every connect (a broker that lost the
 * session has lost the subscriptions too), reconnects after a loss with a delay that doubles from 250 ms up to 5 s, announces Bastion's STATE once subscribed (`online`), and logs each change of state once.
 */
export class BrokerLink {
  private delay = FIRST_DELAY_MS;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private connectedOnce = false;
  private restarting = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly client: MqttClient,
    private readonly filters: string[],
    private readonly logger: Logger,
    broker: string,
    private readonly online: () => void = () => undefined,
  ) {
    let subscribed!: () => void;
    this.ready = new Promise((resolve) => (subscribed = resolve));
    client.on('connect', (connack) => {
      this.delay = FIRST_DELAY_MS;
      this.restarting = false;
      logger.info({ broker, sessionPresent: connack.sessionPresent }, 'connected to the external MQTT broker');
      this.subscribe(subscribed);
    });
    client.on('close', () => this.scheduleReconnect());
    client.on('error', (error) => logger.warn({ err: safe(error), broker }, 'external MQTT broker error'));
  }

  /**
   * Drops the connection so that the broker sends again what was not acknowledged (after a failed commit);
   * false when a restart is already under way.
   */
  restart(): boolean {
    if (this.stopping || this.restarting) return false;
    this.restarting = true;
    this.client.stream?.destroy();
    return true;
  }

  /**
   * Ends the connection politely (every PUBACK Bastion owes is already sent by then). mqtt.js's graceful end
   * also waits for the broker to acknowledge each of Bastion's own QoS 1 publications, and one that a
   * restarting broker lost stays pending forever (seen with Mosquitto 2.0: a STATE birth sent as it went
   * down): after STOP_GRACE_MS the connection is cut instead, so a stop never hangs on the broker.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn('the external MQTT broker left a publication unacknowledged at stop; connection cut');
        this.client.stream?.destroy();
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([this.client.endAsync(), cut]);
    clearTimeout(timer);
  }

  private subscribe(subscribed: () => void): void {
    this.client.subscribe(this.filters, { qos: 1 }, (error, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos >= 128).map((g) => g.topic);
      if (error || refused.length > 0) {
        this.logger.error({ err: error && safe(error), refused }, 'the external MQTT broker refused a subscription');
        return;
      }
      this.connectedOnce = true;
      subscribed();
      this.online(); // Sparkplug: the host's birth comes after its subscriptions are in place
    });
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.timer) return;
    const message = this.connectedOnce
      ? 'connection to the external MQTT broker lost'
      : 'external MQTT broker unreachable';
    this.logger.warn({ retryInMs: this.delay }, message);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopping) this.client.reconnect();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
  }
}
