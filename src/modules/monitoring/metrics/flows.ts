import { Counter, type Registry } from 'prom-client';
import { COMMAND_RECORDED, type EventBus, type RecordedPayload } from '../../../kernel/events.js';
import { securityEventOf } from '../events/normalize.js';

/**
 * What flows through this instance, counted from its event bus: values committed by ingest, device messages
 * refused, security events noticed. These are rates, not stored state (counting ingest_values at every scrape
 * would read the largest table in the database); Prometheus sums instances. Returns the unsubscriber.
 */
export function countFlows(events: EventBus, registry: Registry): () => void {
  const committed = new Counter({
    name: 'bastion_ingest_values_committed_total',
    help: 'Device values committed by ingest batches in this instance.',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'bastion_ingest_messages_refused_total',
    help: 'Device messages ingest refused or set aside, by kind (unknown device, bad credentials, quarantined…).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const security = new Counter({
    name: 'bastion_security_events_total',
    help: 'Security events noticed by this instance, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  return events.subscribe('*', (event) => {
    if (event.type === COMMAND_RECORDED) {
      const p = event.payload as RecordedPayload;
      const count = p.details?.count;
      if (p.action === 'ingest.batch.commit' && p.outcome === 'success' && typeof count === 'number')
        committed.inc(count);
    }
    if (event.type === 'ingest.security-event') {
      const { kind, count } = event.payload as { kind: string; count?: number };
      refused.inc({ kind }, typeof count === 'number' ? count : 1);
    }
    const noticed = securityEventOf(event);
    if (noticed) security.inc({ kind: noticed.kind }, noticed.count);
  });
}
