import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { CommandContext } from '../../../kernel/pipeline/types.js';
import { ALERT_ACKNOWLEDGED } from '../alerts/commands.js';
import type { IncidentTables } from './db.js';
import { incidentRow, incidentViewOf, type IncidentRow } from './views.js';

export const MANAGE_INCIDENTS = 'monitoring.incidents.manage';
export const INCIDENT_OPENED = 'monitoring.incident-opened';
export const INCIDENT_CLOSED = 'monitoring.incident-closed';
export const closed = { additionalProperties: false } as const;
/** An incident is named by its id or its number, on every route and CLI verb. */
export const incidentRef = Type.String({ pattern: '^([0-9a-fA-F-]{36}|[Ii][Nn][Cc]-[0-9]{1,9})$' });
export const alertIds = Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 50, uniqueItems: true });
export const text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

type Ctx = CommandContext<IncidentTables>;

/** The incident a command works on: it must exist and, as a closed incident is a record, not be closed. */
export async function openIncident(ctx: Ctx, ref: string): Promise<IncidentRow> {
  const row = await incidentRow(ctx.tx, ref);
  if (!row) throw new NotFoundError(`No incident ${ref}.`);
  if (row.state === 'closed') throw new ConflictError(`Incident ${row.number} is closed; it can no longer change.`);
  ctx.setTarget({ type: 'incident', id: row.id });
  ctx.note({ incident: row.number });
  return row;
}

export async function addEntry(ctx: Ctx, incidentId: string, kind: string, entry: string, ref: string | null = null) {
  await ctx.tx
    .insertInto('incident_entries')
    .values({ id: newId(), incident_id: incidentId, at: ctx.now, actor: ctx.actor.id, kind, text: entry, ref })
    .execute();
}

/** An owner must be an account that exists (identity's users, read through the command's transaction). */
export async function requireUser(tx: Kysely<IncidentTables>, userId: string): Promise<void> {
  const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new ValidationError(`No account ${userId}.`, [{ path: '/owner', message: 'no such account' }]);
}

/**
 * Links alerts to the incident: each gets a timeline entry, and one still open is acknowledged by the actor (the
 * incident is someone working on it, so its escalation stops). An alert already in another incident that is not
 * closed is a conflict: one alert, one investigation.
 */
export async function linkAlerts(ctx: Ctx, incident: IncidentRow, ids: readonly string[]): Promise<string[]> {
  const linked: string[] = [];
  for (const id of ids) {
    const alert = await ctx.tx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!alert) throw new NotFoundError(`No alert ${id}.`);
    if (alert.incident_id === incident.id) continue;
    if (alert.incident_id !== null) {
      const other = await incidentRow(ctx.tx, alert.incident_id);
      if (other && other.state !== 'closed')
        throw new ConflictError(`Alert ${id} is already linked to incident ${other.number}.`);
    }
    const acknowledge = alert.state === 'open';
    await ctx.tx
      .updateTable('alerts')
      .set(
        acknowledge
          ? { incident_id: incident.id, state: 'acknowledged', acknowledged_by: ctx.actor.id, acknowledged_at: ctx.now }
          : { incident_id: incident.id },
      )
      .where('id', '=', id)
      .execute();
    await addEntry(ctx, incident.id, 'alert', `Alert linked: ${alert.title} (${alert.rule}, ${alert.severity})`, id);
    if (acknowledge) ctx.emit(ALERT_ACKNOWLEDGED, { alertId: id, rule: alert.rule });
    linked.push(id);
  }
  return linked;
}

/** The view after the change, read through the transaction so it shows what the command wrote. */
export async function viewAfter(ctx: Ctx, incidentId: string) {
  const row = await incidentRow(ctx.tx, incidentId);
  return incidentViewOf(ctx.tx, row!);
}
