import type { Kysely } from 'kysely';
import type { ReadDb, Transact } from '../../../kernel/store.js';
import type { Database } from '../db.js';
import type { MonitoringTables } from '../schema.js';

export type DeliveryRow = MonitoringTables['alert_deliveries'];
export type AlertRow = MonitoringTables['alerts'];

/**
 * A claimed row is not due for this long: another instance on the same PostgreSQL does not send it too. A
 * process that dies mid-send leaves it to be sent again after the lease (at least once: the receiver drops a
 * repeat by its delivery id). Longer than any notifier's 10 s timeout.
 */
const LEASE_MS = 120_000;

/**
 * The outbox's reads and its bookkeeping writes, through the declared writer 'monitoring.deliveries'
 * (kernel/module.ts): not commands, since the alert that made each row was already an audited one.
 */
export class Outbox {
  constructor(
    private readonly db: ReadDb<Database>,
    private readonly transact: Transact,
  ) {}

  /**
   * Up to `limit` due rows of `notifiers`, oldest first, claimed for this process. The claim is one UPDATE
   * that re-checks due-ness: of two instances racing for a row, PostgreSQL lets only one update it.
   */
  async claim(notifiers: string[], now: number, limit: number): Promise<DeliveryRow[]> {
    const due = await this.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('next_at', '<=', now)
      .where('notifier', 'in', notifiers)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    const ids = due.map((r) => r.id);
    const claimed = await this.transact(async (uow) =>
      (uow.tx as Kysely<Database>)
        .updateTable('alert_deliveries')
        .set({ next_at: now + LEASE_MS })
        .where('id', 'in', ids)
        .where('delivered_at', 'is', null)
        .where('next_at', '<=', now)
        .returning('id')
        .execute(),
    );
    const mine = new Set(claimed.map((r) => r.id));
    return due.filter((r) => mine.has(r.id));
  }

  async alertsOf(rows: DeliveryRow[]): Promise<Map<string, AlertRow>> {
    const ids = [...new Set(rows.map((r) => r.alert_id))];
    const alerts = await this.db.selectFrom('alerts').selectAll().where('id', 'in', ids).execute();
    return new Map(alerts.map((a) => [a.id, a]));
  }

  /** Undelivered rows per notifier not in `configured`. */
  async orphans(configured: string[]): Promise<{ notifier: string; waiting: number }[]> {
    let query = this.db
      .selectFrom('alert_deliveries')
      .select((eb) => ['notifier', eb.fn.countAll<number>().as('n')])
      .where('delivered_at', 'is', null);
    if (configured.length > 0) query = query.where('notifier', 'not in', configured);
    const rows = await query.groupBy('notifier').execute();
    return rows.map((r) => ({ notifier: r.notifier, waiting: Number(r.n) }));
  }

  async update(id: string, values: Partial<DeliveryRow>): Promise<void> {
    await this.transact(async (uow) => {
      await (uow.tx as Kysely<Database>).updateTable('alert_deliveries').set(values).where('id', '=', id).execute();
    });
  }
}
