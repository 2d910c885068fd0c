import type { MonitoringTables } from '../schema.js';
import type { SecurityEvent, Severity } from './model.js';

type Row = MonitoringTables['security_events'];

/** A security event as stored (`recordedBy`: the process writing it, see recorder.ts). */
export const rowOf = (e: SecurityEvent, recordedAt: number, by: string): Row => ({
  id: e.id,
  at: e.at,
  recorded_at: recordedAt,
  recorded_by: by,
  source: e.source,
  kind: e.kind,
  action: e.action,
  outcome: e.outcome,
  severity: e.severity,
  actor_kind: e.actor?.kind ?? null,
  actor_id: e.actor?.id ?? null,
  device: e.device,
  place: e.place,
  address: e.address,
  target_type: e.target?.type ?? null,
  target_id: e.target?.id ?? null,
  technique: e.technique,
  count: e.count,
  details: Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : null,
});

/** The stored row back as the event (bigints from PostgreSQL made numbers again). */
export const eventOf = (r: Row): SecurityEvent => ({
  id: r.id,
  at: Number(r.at),
  source: r.source,
  kind: r.kind,
  action: r.action,
  outcome: r.outcome as SecurityEvent['outcome'],
  severity: r.severity as Severity,
  actor: r.actor_kind !== null && r.actor_id !== null ? { kind: r.actor_kind, id: r.actor_id } : null,
  device: r.device,
  place: r.place,
  address: r.address,
  target: r.target_type !== null && r.target_id !== null ? { type: r.target_type, id: r.target_id } : null,
  technique: r.technique,
  count: Number(r.count),
  details: r.details !== null ? (JSON.parse(r.details) as SecurityEvent['details']) : {},
});
