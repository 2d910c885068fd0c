import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../kernel/errors.js';
import { defineIncidentCommand } from './db.js';
import { incidentView } from './views.js';
import {
  INCIDENT_CLOSED,
  MANAGE_INCIDENTS,
  addEntry,
  alertIds,
  closed,
  incidentRef,
  linkAlerts,
  openIncident,
  requireUser,
  text,
  viewAfter,
} from './work.js';

const params = Type.Object({ id: incidentRef }, closed);
const merge = (p: Record<string, unknown>, body: unknown) => ({ ...(body as object), ...p });
const http = (url: string, extra: Record<string, ReturnType<typeof Type.Object>> = {}) => ({
  method: 'POST' as const,
  url,
  params: extra.params ?? params,
  ...(extra.body ? { body: extra.body } : {}),
  toInput: merge,
  tags: ['security'],
});
const base = { output: incidentView, errors: ['not_found', 'conflict'] as const, permission: MANAGE_INCIDENTS };

const noteBody = Type.Object(
  { kind: Type.Union([Type.Literal('note'), Type.Literal('action')]), text: text(4000) },
  closed,
);
export const noteIncident = defineIncidentCommand({
  ...base,
  name: 'monitoring.incidents.note',
  summary: "Add a note or an action taken to an incident's timeline",
  input: Type.Composite([params, noteBody], closed),
  http: http('/api/security/incidents/:id/entries', { body: noteBody }),
  async handler(ctx, input) {
    const incident = await openIncident(ctx, input.id);
    await addEntry(ctx, incident.id, input.kind, input.text);
    ctx.note({ kind: input.kind });
    return viewAfter(ctx, incident.id);
  },
});

const stepParams = Type.Object({ id: incidentRef, position: Type.Integer({ minimum: 1, maximum: 100 }) }, closed);
const stepBody = Type.Object({ done: Type.Boolean() }, closed);
export const stepIncident = defineIncidentCommand({
  ...base,
  name: 'monitoring.incidents.step',
  summary: "Tick (or untick) a step of an incident's playbook checklist",
  input: Type.Composite([stepParams, stepBody], closed),
  http: http('/api/security/incidents/:id/steps/:position', { params: stepParams, body: stepBody }),
  async handler(ctx, input) {
    const incident = await openIncident(ctx, input.id);
    const where = { incident_id: incident.id, position: input.position };
    const step = await ctx.tx
      .selectFrom('incident_steps')
      .selectAll()
      .where('incident_id', '=', where.incident_id)
      .where('position', '=', where.position)
      .executeTakeFirst();
    if (!step) throw new NotFoundError(`Incident ${incident.number} has no step ${input.position}.`);
    ctx.note({ step: input.position, done: input.done });
    if ((step.done_at !== null) === input.done) return viewAfter(ctx, incident.id); // already so: nothing to record
    await ctx.tx
      .updateTable('incident_steps')
      .set(input.done ? { done_at: ctx.now, done_by: ctx.actor.id } : { done_at: null, done_by: null })
      .where('incident_id', '=', where.incident_id)
      .where('position', '=', where.position)
      .execute();
    const said = input.done ? 'done' : 'reopened';
    await addEntry(ctx, incident.id, 'step', `Step ${input.position} ${said}: ${step.step}`, String(input.position));
    return viewAfter(ctx, incident.id);
  },
});

const ownerBody = Type.Object({ owner: Type.String({ format: 'uuid' }) }, closed);
export const assignIncident = defineIncidentCommand({
  ...base,
  name: 'monitoring.incidents.assign',
  summary: 'Give an incident an owner (an existing account)',
  input: Type.Composite([params, ownerBody], closed),
  http: http('/api/security/incidents/:id/owner', { body: ownerBody }),
  async handler(ctx, input) {
    const incident = await openIncident(ctx, input.id);
    await requireUser(ctx.tx, input.owner);
    await ctx.tx.updateTable('incidents').set({ owner: input.owner }).where('id', '=', incident.id).execute();
    await addEntry(ctx, incident.id, 'owner', `Owner set to ${input.owner}`, input.owner);
    ctx.recordChange({ owner: incident.owner }, { owner: input.owner });
    return viewAfter(ctx, incident.id);
  },
});

const linkBody = Type.Object({ alertIds }, closed);
export const linkIncident = defineIncidentCommand({
  ...base,
  name: 'monitoring.incidents.link',
  summary: 'Link alerts to an incident (open ones are acknowledged)',
  input: Type.Composite([params, linkBody], closed),
  http: http('/api/security/incidents/:id/alerts', { body: linkBody }),
  async handler(ctx, input) {
    const incident = await openIncident(ctx, input.id);
    ctx.note({ alerts: await linkAlerts(ctx, incident, input.alertIds) });
    return viewAfter(ctx, incident.id);
  },
});

const closeBody = Type.Object({ rootCause: text(4000), lessons: text(4000) }, closed);
/** Closes an incident and its alerts. Open playbook steps do not stop it, but they are on the record. */
export const closeIncident = defineIncidentCommand({
  ...base,
  name: 'monitoring.incidents.close',
  summary: 'Close an incident with its root cause and lessons learned',
  input: Type.Composite([params, closeBody], closed),
  http: http('/api/security/incidents/:id/close', { body: closeBody }),
  async handler(ctx, input) {
    const incident = await openIncident(ctx, input.id);
    const undone = await ctx.tx
      .selectFrom('incident_steps')
      .select(['position', 'step'])
      .where('incident_id', '=', incident.id)
      .where('done_at', 'is', null)
      .orderBy('position')
      .execute();
    const positions = undone.map((s) => Number(s.position));
    const notDone = positions.length > 0 ? ` Playbook steps not done: ${positions.join(', ')}.` : '';
    await addEntry(ctx, incident.id, 'closed', `Closed. Root cause: ${input.rootCause}${notDone}`);
    await ctx.tx
      .updateTable('incidents')
      .set({ state: 'closed', closed_at: ctx.now, root_cause: input.rootCause, lessons: input.lessons })
      .where('id', '=', incident.id)
      .execute();
    const alerts = await ctx.tx
      .updateTable('alerts')
      .set({ state: 'closed', closed_at: ctx.now })
      .where('incident_id', '=', incident.id)
      .where('state', '!=', 'closed')
      .executeTakeFirst();
    ctx.note({ undoneSteps: positions, alertsClosed: Number(alerts.numUpdatedRows) });
    ctx.emit(INCIDENT_CLOSED, { incidentId: incident.id, number: incident.number });
    return viewAfter(ctx, incident.id);
  },
});

export const incidentCommands = [noteIncident, stepIncident, assignIncident, linkIncident, closeIncident];
