import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { severitySchema } from '../alerts/views.js';
import { defineIncidentCommand } from './db.js';
import { playbookNamed } from './playbooks.js';
import { incidentView } from './views.js';
import {
  INCIDENT_OPENED,
  MANAGE_INCIDENTS,
  addEntry,
  alertIds,
  closed,
  linkAlerts,
  requireUser,
  text,
  viewAfter,
} from './work.js';

const openInput = Type.Object(
  {
    title: text(200),
    severity: severitySchema,
    playbook: Type.Optional(Type.String({ maxLength: 60 })),
    alertIds: Type.Optional(alertIds),
    owner: Type.Optional(Type.String({ format: 'uuid' })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  closed,
);

/**
 * Opens an incident, by hand or from alerts: numbered INC-0001… in the transaction (the unique index on the
 * number turns two racing openers into one retry-able failure, not two incidents with one number), the
 * playbook's checklist copied, the alerts linked and acknowledged.
 */
export const openIncidentCommand = defineIncidentCommand({
  name: 'monitoring.incidents.open',
  summary: 'Open an incident, optionally from alerts and with a playbook',
  input: openInput,
  output: incidentView,
  errors: ['not_found', 'conflict'],
  permission: MANAGE_INCIDENTS,
  http: { method: 'POST', url: '/api/security/incidents', tags: ['security'] },
  async handler(ctx, input) {
    const playbook = input.playbook === undefined ? undefined : playbookNamed(input.playbook);
    if (input.playbook !== undefined && !playbook)
      throw new ValidationError(`No playbook ${input.playbook}.`, [{ path: '/playbook', message: 'unknown playbook' }]);
    if (input.owner !== undefined) await requireUser(ctx.tx, input.owner);
    const count = await ctx.tx
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const number = `INC-${String(Number(count.n) + 1).padStart(4, '0')}`;
    const id = newId();
    const row = {
      id,
      number,
      title: input.title,
      severity: input.severity,
      state: 'open',
      owner: input.owner ?? null,
      playbook: playbook?.name ?? null,
      opened_at: ctx.now,
      opened_by: ctx.actor.id,
      closed_at: null,
      root_cause: null,
      lessons: null,
    };
    await ctx.tx.insertInto('incidents').values(row).execute();
    if (playbook)
      await ctx.tx
        .insertInto('incident_steps')
        .values(
          playbook.steps.map((step, i) => ({ incident_id: id, position: i + 1, step, done_at: null, done_by: null })),
        )
        .execute();
    await addEntry(ctx, id, 'opened', input.description ?? `Opened: ${input.title}`);
    const linked = await linkAlerts(ctx, row, input.alertIds ?? []);
    ctx.setTarget({ type: 'incident', id });
    ctx.note({ number, severity: input.severity, playbook: playbook?.name ?? null, alerts: linked });
    ctx.emit(INCIDENT_OPENED, { incidentId: id, number, severity: input.severity });
    return viewAfter(ctx, id);
  },
});
