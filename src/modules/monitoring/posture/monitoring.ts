import { SEVERITIES, type Severity } from '../events/model.js';
import type { PostureDb } from './facts.js';

export async function alertFigures(db: PostureDb): Promise<{ open: Record<Severity, number>; acknowledged: number }> {
  const rows = await db
    .selectFrom('alerts')
    .select(['state', 'severity', (eb) => eb.fn.countAll().as('n')])
    .where('state', 'in', ['open', 'acknowledged'])
    .groupBy(['state', 'severity'])
    .execute();
  const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let acknowledged = 0;
  for (const r of rows) {
    if (r.state === 'acknowledged') acknowledged += Number(r.n);
    else if ((SEVERITIES as readonly string[]).includes(r.severity)) open[r.severity as Severity] += Number(r.n);
  }
  return { open, acknowledged };
}

export async function openIncidents(db: PostureDb): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '!=', 'closed')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Notifier health: outbox rows not delivered yet, per notifier (a notifier that is down piles them up). */
export async function undeliveredByNotifier(db: PostureDb): Promise<{ notifier: string; undelivered: number }[]> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .select(['notifier', (eb) => eb.fn.countAll().as('n')])
    .where('delivered_at', 'is', null)
    .groupBy('notifier')
    .orderBy('notifier')
    .execute();
  return rows.map((r) => ({ notifier: r.notifier, undelivered: Number(r.n) }));
}
