import type { Logger } from 'pino';
import type { Clock } from '../../../kernel/clock.js';
import type { HealthConditions } from '../../../kernel/health.js';
import type { ReadDb, Transact } from '../../../kernel/store.js';
import type { Database } from '../db.js';
import { messageOf } from './message.js';
import type { Notifier } from './notifier.js';
import { Outbox, type AlertRow, type DeliveryRow } from './outbox.js';
import { safeError } from './secret.js';

export interface DeliveryWorkerDeps {
  db: ReadDb<Database>;
  /** The declared writer 'monitoring.deliveries' (kernel/module.ts): the outbox's bookkeeping, not a command. */
  transact: Transact;
  notifiers: ReadonlyMap<string, Notifier>;
  clock: Clock;
  logger: Logger;
  health: HealthConditions;
  retry: { initialMs: number; maxMs: number };
}

const BATCH = 20;
/** Failed attempts in a row of one delivery after which /readyz reports the notifier. */
export const FAILING_AFTER = 3;
export const conditionOf = (notifier: string) => `monitoring.notifier.${notifier}`;

/** The wait after the `attempts`-th failure: initialMs, doubling, at most maxMs. */
export function backoff(attempts: number, retry: { initialMs: number; maxMs: number }): number {
  return Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}

/**
 * Delivers the outbox (alert_deliveries): due rows, oldest first, in small batches; each outcome recorded.
 * A row is never dropped: failures wait longer and longer (retry), rows of a notifier no longer configured
 * stay as they are (logged once), and what a stopped process did not send is sent by the next one.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  private readonly outbox: Outbox;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.outbox = new Outbox(deps.db, deps.transact);
  }

  async start(): Promise<void> {
    for (const o of await this.outbox.orphans([...this.deps.notifiers.keys()])) {
      this.deps.logger.warn(
        { notifier: o.notifier, waiting: o.waiting },
        'monitoring: deliveries wait for a notifier that is not configured; they are kept until it is again',
      );
    }
    if (this.deps.notifiers.size === 0) return;
    const every = Math.max(50, Math.min(1000, this.deps.retry.initialMs));
    this.timer = setInterval(() => this.nudge(), every).unref();
    this.nudge();
  }

  /** Looks for due rows now (an alert was just raised or escalated). */
  nudge(): void {
    if (this.stopped || this.deps.notifiers.size === 0) return;
    this.running = this.running
      .then(() => this.pass())
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'monitoring: delivery pass failed'));
  }

  /** Resolves once every row due now has been tried. */
  async settled(): Promise<void> {
    this.nudge();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    for (;;) {
      const rows = await this.outbox.claim([...this.deps.notifiers.keys()], this.deps.clock.now(), BATCH);
      if (rows.length === 0) return;
      const alerts = await this.outbox.alertsOf(rows);
      const byNotifier = new Map<string, DeliveryRow[]>();
      for (const row of rows) byNotifier.set(row.notifier, [...(byNotifier.get(row.notifier) ?? []), row]);
      // Notifiers in parallel (a slow mail server does not hold the webhook), each one's rows in order.
      await Promise.all(
        [...byNotifier].map(([name, own]) => this.sendAll(this.deps.notifiers.get(name)!, own, alerts)),
      );
      if (rows.length < BATCH || this.stopped) return;
    }
  }

  /** Sends one notifier's rows in order; after a failure the rest wait as long as the failed one (no hammering). */
  private async sendAll(notifier: Notifier, rows: DeliveryRow[], alerts: Map<string, AlertRow>): Promise<void> {
    let retryAt: number | undefined;
    for (const row of rows) {
      if (retryAt !== undefined) {
        await this.outbox.update(row.id, { next_at: retryAt });
        continue;
      }
      try {
        const alert = alerts.get(row.alert_id);
        if (!alert) throw new Error(`alert ${row.alert_id} is not in the database`);
        await notifier.send(messageOf(alert, row));
      } catch (error) {
        retryAt = await this.failed(notifier, row, error);
        continue;
      }
      // Outside the try: a sent alert whose record fails is not a failed send (its lease runs out, it is
      // sent again with the same delivery id, and the receiver drops the repeat).
      const done = { attempts: Number(row.attempts) + 1, delivered_at: this.deps.clock.now(), last_error: null };
      await this.outbox.update(row.id, done);
      this.deps.health.clear(conditionOf(notifier.name));
    }
  }

  private async failed(notifier: Notifier, row: DeliveryRow, error: unknown): Promise<number> {
    const now = this.deps.clock.now();
    const attempts = Number(row.attempts) + 1;
    const reason = safeError(error, notifier.secrets);
    const retryAt = now + backoff(attempts, this.deps.retry);
    await this.outbox.update(row.id, { attempts, next_at: retryAt, last_error: reason });
    this.deps.logger.warn(
      { notifier: notifier.name, delivery: row.id, attempts, retryInMs: retryAt - now, error: reason },
      'monitoring: an alert delivery failed; it will be retried',
    );
    if (attempts >= FAILING_AFTER) {
      const text = `notifier ${notifier.name} keeps failing: a delivery failed ${attempts} times in a row`;
      this.deps.health.set(conditionOf(notifier.name), text, now);
    }
    return retryAt;
  }
}
