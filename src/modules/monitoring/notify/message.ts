import { toIsoUtc } from '../../../kernel/clock.js';
import type { MonitoringTables } from '../schema.js';

type AlertRow = MonitoringTables['alerts'];
type DeliveryRow = MonitoringTables['alert_deliveries'];

/**
 * What every notifier sends: the alert as the security team needs it to act, built from the alert row only.
 * No link (a link in a mail is what phishing looks like, and the receiver knows where Bastion is), no secret,
 * nothing from the events' details: only the rule's fields, the counts and times, and the group key.
 */
export interface AlertMessage {
  /** The outbox row: the receiver's deduplication key (a retried delivery keeps it). */
  deliveryId: string;
  reason: 'raised' | 'escalated';
  alertId: string;
  rule: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  technique: string | null;
  state: string;
  count: number;
  groupKey: string;
  firstAt: string;
  lastAt: string;
  escalationLevel: number;
  /** When the delivery was queued (the alert raised or escalated). */
  queuedAt: string;
  summary: string;
}

/** One line a person can read in a pager, a mail subject's body or a SIEM's message column. */
function summaryOf(alert: AlertRow, reason: string): string {
  const count = Number(alert.count);
  const what = reason === 'escalated' ? 'Escalated: not acknowledged in time.' : 'Raised.';
  const technique = alert.technique !== null ? ` ATT&CK for ICS ${alert.technique}.` : '';
  return (
    `${what} ${alert.title} (rule ${alert.rule}, severity ${alert.severity}) for ${alert.group_key}: ` +
    `${count} event${count === 1 ? '' : 's'} from ${toIsoUtc(Number(alert.first_at))} ` +
    `to ${toIsoUtc(Number(alert.last_at))}.${technique}`
  );
}

export function messageOf(alert: AlertRow, delivery: DeliveryRow): AlertMessage {
  const reason = delivery.reason === 'escalated' ? 'escalated' : 'raised';
  return {
    deliveryId: delivery.id,
    reason,
    alertId: alert.id,
    rule: alert.rule,
    title: alert.title,
    severity: alert.severity as AlertMessage['severity'],
    technique: alert.technique,
    state: alert.state,
    count: Number(alert.count),
    groupKey: alert.group_key,
    firstAt: toIsoUtc(Number(alert.first_at)),
    lastAt: toIsoUtc(Number(alert.last_at)),
    escalationLevel: Number(alert.escalation_level),
    queuedAt: toIsoUtc(Number(delivery.created_at)),
    summary: summaryOf(alert, reason),
  };
}
