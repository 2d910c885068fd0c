import { Type, type Static } from '@sinclair/typebox';
import { toIsoUtc } from '../../../kernel/clock.js';
import type { ReadDb } from '../../../kernel/store.js';
import { severitySchema } from '../alerts/views.js';
import type { MonitoringTables } from '../schema.js';

const closed = { additionalProperties: false } as const;
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const incidentStateSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('contained'),
  Type.Literal('closed'),
]);

/** An incident as the API, the web security center and the CLI show it: its checklist, alerts and timeline. */
export const incidentView = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    title: Type.String(),
    severity: severitySchema,
    state: incidentStateSchema,
    owner: nullable(Type.String()),
    playbook: nullable(Type.String()),
    openedAt: Type.String(),
    openedBy: Type.String(),
    closedAt: nullable(Type.String()),
    rootCause: nullable(Type.String()),
    lessons: nullable(Type.String()),
    steps: Type.Array(
      Type.Object(
        {
          position: Type.Integer(),
          step: Type.String(),
          doneAt: nullable(Type.String()),
          doneBy: nullable(Type.String()),
        },
        closed,
      ),
    ),
    alerts: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          rule: Type.String(),
          severity: severitySchema,
          title: Type.String(),
          state: Type.String(),
        },
        closed,
      ),
    ),
    timeline: Type.Array(
      Type.Object(
        {
          at: Type.String(),
          actor: Type.String(),
          kind: Type.String(),
          text: Type.String(),
          ref: nullable(Type.String()),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type IncidentView = Static<typeof incidentView>;
export type IncidentRow = MonitoringTables['incidents'];

type Db = ReadDb<MonitoringTables>;
type Severity = IncidentView['severity'];
const iso = (at: number | null) => (at === null ? null : toIsoUtc(Number(at)));

/** An incident by its id or its number (INC-0001), or undefined. */
export function incidentRow(db: Db, idOrNumber: string): Promise<IncidentRow | undefined> {
  const query = db.selectFrom('incidents').selectAll();
  if (/^INC-\d+$/i.test(idOrNumber)) return query.where('number', '=', idOrNumber.toUpperCase()).executeTakeFirst();
  return query.where('id', '=', idOrNumber).executeTakeFirst();
}

/** The views of `rows`, their steps, alerts and timelines read in three queries whatever their number. */
export async function incidentViews(db: Db, rows: IncidentRow[]): Promise<IncidentView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // One after another: inside a command these run on its transaction's single connection.
  const steps = await db
    .selectFrom('incident_steps')
    .selectAll()
    .where('incident_id', 'in', ids)
    .orderBy('position')
    .execute();
  const alerts = await db
    .selectFrom('alerts')
    .select(['id', 'rule', 'severity', 'title', 'state', 'incident_id'])
    .where('incident_id', 'in', ids)
    .orderBy('first_at')
    .execute();
  const entries = await db
    .selectFrom('incident_entries')
    .selectAll()
    .where('incident_id', 'in', ids)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    severity: r.severity as Severity,
    state: r.state as IncidentView['state'],
    owner: r.owner,
    playbook: r.playbook,
    openedAt: toIsoUtc(Number(r.opened_at)),
    openedBy: r.opened_by,
    closedAt: iso(r.closed_at),
    rootCause: r.root_cause,
    lessons: r.lessons,
    steps: steps
      .filter((s) => s.incident_id === r.id)
      .map((s) => ({ position: Number(s.position), step: s.step, doneAt: iso(s.done_at), doneBy: s.done_by })),
    alerts: alerts
      .filter((a) => a.incident_id === r.id)
      .map((a) => ({ id: a.id, rule: a.rule, severity: a.severity as Severity, title: a.title, state: a.state })),
    timeline: entries
      .filter((e) => e.incident_id === r.id)
      .map((e) => ({ at: toIsoUtc(Number(e.at)), actor: e.actor, kind: e.kind, text: e.text, ref: e.ref })),
  }));
}

export async function incidentViewOf(db: Db, row: IncidentRow): Promise<IncidentView> {
  const [view] = await incidentViews(db, [row]);
  return view!;
}
