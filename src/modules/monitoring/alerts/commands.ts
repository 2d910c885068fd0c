import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { MonitoringConfig, NotifierConfig } from '../../../kernel/config/monitoring.js';
import type { CommandContext } from '../../../kernel/pipeline/types.js';
import type { ReadDb } from '../../../kernel/store.js';
import { defineCommand, type Database } from '../db.js';
import { severityRank } from '../events/model.js';
import { alertView, alertViewOf, severitySchema, type AlertRow } from './views.js';

const closed = { additionalProperties: false } as const;
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, closed);
export const MANAGE = 'monitoring.alerts.manage';
export const ALERT_RAISED = 'monitoring.alert-raised';
export const ALERT_ACKNOWLEDGED = 'monitoring.alert-acknowledged';
export const ALERT_ESCALATED = 'monitoring.alert-escalated';

/** Notifiers an alert of `severity` goes to (and, for an escalation, only those that take escalations). */
export function recipientsOf(notifiers: readonly NotifierConfig[], severity: string, escalation: boolean): string[] {
  return notifiers
    .filter((n) => severityRank(severity) >= severityRank(n.minSeverity))
    .filter((n) => !escalation || n.escalation)
    .map((n) => n.name);
}

/** Outbox rows, written in the alert's own transaction: committed together, so none is ever lost. */
async function enqueue(tx: Kysely<Database>, alertId: string, notifiers: string[], reason: string, now: number) {
  if (notifiers.length === 0) return;
  await tx
    .insertInto('alert_deliveries')
    .values(
      notifiers.map((notifier) => ({
        id: newId(),
        alert_id: alertId,
        notifier,
        reason,
        created_at: now,
        attempts: 0,
        next_at: now,
        delivered_at: null,
        last_error: null,
      })),
    )
    .execute();
}

async function alertById(tx: Kysely<Database>, id: string): Promise<AlertRow> {
  const row = await tx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No alert ${id}.`);
  return row;
}

const raiseInput = Type.Object(
  {
    rule: Type.String({ maxLength: 80 }),
    groupKey: Type.String({ maxLength: 600 }),
    severity: severitySchema,
    title: Type.String({ maxLength: 200 }),
    technique: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
    at: Type.Integer({ minimum: 0 }),
    figure: Type.Integer({ minimum: 0 }),
    eventIds: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
  },
  closed,
);

const raiseOutput = Type.Object(
  {
    alertId: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([Type.Literal('raised'), Type.Literal('repeated'), Type.Literal('suppressed')]),
  },
  closed,
);

/**
 * A rule fired. An alert of the same rule and group that is not closed and was seen within `dedupMinutes`
 * absorbs it (its count and evidence grow, nobody is notified again); past `maxAlertsPerRulePerHour` new alerts
 * of one rule are counted in the audit record, not raised. A new alert writes its outbox rows in the same
 * transaction.
 */
export const raiseAlert = (config: MonitoringConfig) =>
  defineCommand({
    name: 'monitoring.alerts.raise',
    summary: 'Raise an alert for a detection rule that fired',
    input: raiseInput,
    output: raiseOutput,
    errors: [],
    permission: MANAGE,
    internal: true,
    async handler(ctx, input) {
      const summary = { figure: input.figure, eventIds: input.eventIds };
      const open = await ctx.tx
        .selectFrom('alerts')
        .selectAll()
        .where('rule', '=', input.rule)
        .where('group_key', '=', input.groupKey)
        .where('state', '!=', 'closed')
        .where('last_at', '>=', ctx.now - config.dedupMinutes * 60_000)
        .orderBy('last_at', 'desc')
        .executeTakeFirst();
      if (open) return repeat(ctx, open, input.figure, summary);
      const lastHour = await ctx.tx
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('rule', '=', input.rule)
        .where('first_at', '>=', ctx.now - 3_600_000)
        .executeTakeFirstOrThrow();
      if (Number(lastHour.n) >= config.maxAlertsPerRulePerHour) {
        ctx.note({ rule: input.rule, suppressed: true, groupKey: input.groupKey });
        return { alertId: null, outcome: 'suppressed' as const };
      }
      const id = newId();
      await ctx.tx
        .insertInto('alerts')
        .values({
          id,
          rule: input.rule,
          group_key: input.groupKey,
          severity: input.severity,
          title: input.title,
          technique: input.technique,
          state: 'open',
          first_at: ctx.now,
          last_at: ctx.now,
          count: input.figure,
          summary: JSON.stringify(summary),
          acknowledged_by: null,
          acknowledged_at: null,
          note: null,
          escalated_at: null,
          escalation_level: 0,
          incident_id: null,
          closed_at: null,
        })
        .execute();
      await enqueue(ctx.tx, id, recipientsOf(config.notifiers, input.severity, false), 'raised', ctx.now);
      ctx.setTarget({ type: 'alert', id });
      ctx.note({ rule: input.rule, severity: input.severity, figure: input.figure });
      ctx.emit(ALERT_RAISED, { alertId: id, rule: input.rule, severity: input.severity });
      return { alertId: id, outcome: 'raised' as const };
    },
  });

async function repeat(ctx: CommandContext<Database>, open: AlertRow, figure: number, summary: object) {
  await ctx.tx
    .updateTable('alerts')
    .set({ last_at: ctx.now, count: Number(open.count) + figure, summary: JSON.stringify(summary) })
    .where('id', '=', open.id)
    .execute();
  ctx.setTarget({ type: 'alert', id: open.id });
  ctx.note({ rule: open.rule, repeated: figure });
  return { alertId: open.id, outcome: 'repeated' as const };
}

export const acknowledgeAlert = defineCommand({
  name: 'monitoring.alerts.acknowledge',
  summary: 'Acknowledge an alert: someone is on it (stops its escalation)',
  input: Type.Object(
    { id: Type.String({ format: 'uuid' }), note: Type.Optional(Type.String({ maxLength: 2000 })) },
    closed,
  ),
  output: alertView,
  errors: ['not_found', 'conflict'],
  permission: MANAGE,
  http: {
    method: 'POST',
    url: '/api/security/alerts/:id/acknowledge',
    params: idParams,
    body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, closed),
    toInput: (params, body) => ({ ...(body as object), id: params.id }),
    tags: ['security'],
  },
  async handler(ctx, input) {
    const alert = await alertById(ctx.tx, input.id);
    if (alert.state !== 'open') throw new ConflictError(`Alert ${input.id} is ${alert.state}, not open.`, 'conflict');
    await ctx.tx
      .updateTable('alerts')
      .set({ state: 'acknowledged', acknowledged_by: ctx.actor.id, acknowledged_at: ctx.now, note: input.note ?? null })
      .where('id', '=', alert.id)
      .execute();
    ctx.setTarget({ type: 'alert', id: alert.id });
    ctx.note({ rule: alert.rule });
    ctx.emit(ALERT_ACKNOWLEDGED, { alertId: alert.id, rule: alert.rule });
    return alertViewOf(await alertById(ctx.tx, alert.id));
  },
});

async function escalate(ctx: CommandContext<Database>, alert: AlertRow, config: MonitoringConfig) {
  await ctx.tx
    .updateTable('alerts')
    .set({ escalated_at: ctx.now, escalation_level: Number(alert.escalation_level) + 1 })
    .where('id', '=', alert.id)
    .execute();
  await enqueue(ctx.tx, alert.id, recipientsOf(config.notifiers, alert.severity, true), 'escalated', ctx.now);
  ctx.emit(ALERT_ESCALATED, { alertId: alert.id, rule: alert.rule, level: Number(alert.escalation_level) + 1 });
}

/** By hand: send an alert to the escalation notifiers now (also one already acknowledged). */
export const escalateAlert = (config: MonitoringConfig) =>
  defineCommand({
    name: 'monitoring.alerts.escalate',
    summary: 'Escalate an alert to the escalation contacts',
    input: Type.Object({ id: Type.String({ format: 'uuid' }) }, closed),
    output: alertView,
    errors: ['not_found', 'conflict'],
    permission: MANAGE,
    http: { method: 'POST', url: '/api/security/alerts/:id/escalate', params: idParams, tags: ['security'] },
    async handler(ctx, input) {
      const alert = await alertById(ctx.tx, input.id);
      if (alert.state === 'closed') throw new ConflictError(`Alert ${input.id} is closed.`, 'conflict');
      await escalate(ctx, alert, config);
      ctx.setTarget({ type: 'alert', id: alert.id });
      return alertViewOf(await alertById(ctx.tx, alert.id));
    },
  });

/** Alerts of high or critical severity still open `escalateAfterMinutes` after they were raised, not yet escalated. */
export function dueForEscalation(db: ReadDb<Database>, config: MonitoringConfig, now: number) {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('state', '=', 'open')
    .where('escalated_at', 'is', null)
    .where('severity', 'in', ['high', 'critical'])
    .where('first_at', '<=', now - config.escalateAfterMinutes * 60_000);
}

/** The server's timer: escalates every alert nobody acknowledged in time. */
export const escalateOverdue = (config: MonitoringConfig) =>
  defineCommand({
    name: 'monitoring.alerts.escalate.scheduled',
    summary: 'Escalate alerts nobody acknowledged in time',
    input: Type.Object({}, closed),
    output: Type.Object({ escalated: Type.Array(Type.String()) }, closed),
    errors: [],
    permission: MANAGE,
    internal: true,
    async handler(ctx) {
      const due = await dueForEscalation(ctx.tx, config, ctx.now).limit(100).execute();
      for (const alert of due) await escalate(ctx, alert, config);
      ctx.note({ escalated: due.map((a) => a.id) });
      return { escalated: due.map((a) => a.id) };
    },
  });
