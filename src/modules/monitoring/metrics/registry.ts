import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ModuleContext } from '../../../kernel/module.js';
import type { PostureDb } from '../posture/facts.js';
import { countFlows } from './flows.js';
import { storedState } from './stored.js';

/**
 * Default metrics whose names end in `_total` although they are gauges: `promtool check metrics` flags them,
 * and handles/requests/resources in use say little about Bastion that the event loop lag and heap do not.
 */
const MISNAMED_DEFAULTS = ['active_handles_total', 'active_requests_total', 'active_resources_total'];

function pool(context: ModuleContext, registry: Registry): void {
  const connections = context.dialect.connections;
  if (!connections) return; // SQLite: one connection, no pool to watch
  new Gauge({
    name: 'bastion_database_connections',
    help: 'PostgreSQL pool connections by state (total, idle) and queries waiting for one.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { total, idle, waiting } = connections();
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}

/**
 * One registry per HTTP app (never prom-client's global one: a test process runs many Bastions, and each must
 * report only its own). Returns the registry and the unsubscriber of its bus counters.
 */
export function metricsRegistry(context: ModuleContext): { registry: Registry; close: () => void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bastion_' });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`bastion_nodejs_${name}`);
  storedState(context.db as PostureDb, registry);
  pool(context, registry);
  const close = countFlows(context.events, registry);
  return { registry, close };
}
