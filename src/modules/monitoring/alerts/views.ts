import { Type, type Static } from '@sinclair/typebox';
import { toIsoUtc } from '../../../kernel/clock.js';
import type { MonitoringTables } from '../schema.js';

const closed = { additionalProperties: false } as const;
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const severitySchema = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

export const alertView = Type.Object(
  {
    id: Type.String(),
    rule: Type.String(),
    groupKey: Type.String(),
    severity: severitySchema,
    title: Type.String(),
    technique: nullable(Type.String()),
    state: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')]),
    firstAt: Type.String(),
    lastAt: Type.String(),
    count: Type.Integer(),
    summary: Type.Record(Type.String(), Type.Unknown()),
    acknowledgedBy: nullable(Type.String()),
    acknowledgedAt: nullable(Type.String()),
    note: nullable(Type.String()),
    escalatedAt: nullable(Type.String()),
    escalationLevel: Type.Integer(),
    incidentId: nullable(Type.String()),
    closedAt: nullable(Type.String()),
  },
  closed,
);
export type AlertView = Static<typeof alertView>;

export type AlertRow = MonitoringTables['alerts'];

const iso = (at: number | null) => (at === null ? null : toIsoUtc(Number(at)));

export const alertViewOf = (r: AlertRow): AlertView => ({
  id: r.id,
  rule: r.rule,
  groupKey: r.group_key,
  severity: r.severity as AlertView['severity'],
  title: r.title,
  technique: r.technique,
  state: r.state as AlertView['state'],
  firstAt: toIsoUtc(Number(r.first_at)),
  lastAt: toIsoUtc(Number(r.last_at)),
  count: Number(r.count),
  summary: JSON.parse(r.summary) as Record<string, unknown>,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: iso(r.acknowledged_at),
  note: r.note,
  escalatedAt: iso(r.escalated_at),
  escalationLevel: Number(r.escalation_level),
  incidentId: r.incident_id,
  closedAt: iso(r.closed_at),
});
