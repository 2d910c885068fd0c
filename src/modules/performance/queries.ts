import { sql } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { computeOee, downtimePareto, type DownCategory, type MachineState, type StateInterval } from './oee.js';

export interface Window {
  equipment: string;
  from: number;
  to: number;
}

/** The equipment itself and everything below it (a line's OEE sums its machines). */
const under = (column: string, path: string) =>
  sql<boolean>`(${sql.ref(column)} = ${path} or ${sql.ref(column)} like ${`${path.replace(/[\\%_]/g, '\\$&')}/%`} escape '\\')`;

async function intervals(db: ReadDb<Database>, w: Window, now: number) {
  const rows = await db
    .selectFrom('performance_states')
    .selectAll()
    .where(under('equipment_path', w.equipment))
    .where('started_at', '<', w.to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', w.from)]))
    .execute();
  const machines = new Set(rows.map((r) => r.equipment_path)).size;
  const list: StateInterval[] = rows.map((r) => ({
    state: r.state as MachineState,
    category: r.category as DownCategory | null,
    reason: r.reason,
    // Clipped here, so that several machines' intervals can be summed over a longer calendar below.
    from: Math.max(Number(r.started_at), w.from),
    to: Math.min(r.ended_at === null ? now : Number(r.ended_at), w.to),
  }));
  return { list, machines };
}

export async function oee(db: ReadDb<Database>, w: Window, now: number) {
  const { list, machines } = await intervals(db, w, now);
  const counts = await db
    .selectFrom('performance_counts')
    .select(['total', 'good', 'ideal_cycle_seconds', 'startup'])
    .where(under('equipment_path', w.equipment))
    .where('at', '>=', w.from)
    .where('at', '<', w.to)
    .execute();
  const to = Math.min(w.to, Math.max(now, w.from));
  // Several machines: their minutes add up, so the calendar is the window once per machine.
  const span = (to - w.from) * Math.max(machines, 1);
  const result = computeOee(
    list,
    counts.map((c) => ({
      total: Number(c.total),
      good: Number(c.good),
      idealCycleSeconds: c.ideal_cycle_seconds === null ? null : Number(c.ideal_cycle_seconds),
      startup: c.startup === 1,
    })),
    w.from,
    w.from + span,
  );
  return {
    equipment: w.equipment,
    from: new Date(w.from).toISOString(),
    to: new Date(to).toISOString(),
    machines,
    ...result,
  };
}

export async function downtime(db: ReadDb<Database>, w: Window, now: number) {
  const { list } = await intervals(db, w, now);
  return { equipment: w.equipment, reasons: downtimePareto(list, w.from, w.to) };
}

/** Parts made by equipment (and everything below it) since a moment: what counter-based maintenance needs. */
export async function partsMadeSince(handle: ReadDb, equipment: string, since: number): Promise<number> {
  // The caller's handle is typed with the caller's tables (maintenance); this reads performance's.
  const db: ReadDb<Database> = handle;
  const row = await db
    .selectFrom('performance_counts')
    .select((eb) => eb.fn.sum<number>('total').as('parts'))
    .where(under('equipment_path', equipment))
    .where('at', '>', since)
    .executeTakeFirst();
  return Number(row?.parts ?? 0);
}
