import { Option, type Command } from 'commander';
import { pageAlerts, type AlertView } from '../../modules/monitoring/index.js';
import type { MonitoringTables } from '../../modules/monitoring/index.js';
import type { Bastion } from '../../app/bastion.js';
import type { ReadDb } from '../../kernel/store.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { run, table } from './users.js';

const monitoringDb = (bastion: Bastion) => bastion.context.db as ReadDb<MonitoringTables>;

export const ALERT_STATES = ['open', 'acknowledged', 'closed'];
const ONE_PAGE = 500;

/** `bastion alerts list [--state S] [--json]`: the most recently seen alerts first, as the security center lists them. */
export async function listAlertsVerb(ctx: VerbContext, options: { state?: string; json?: boolean }): Promise<void> {
  const page = await withBastion(ctx, 'monitoring.alerts.read', (bastion) =>
    pageAlerts(monitoringDb(bastion), options.state === undefined ? {} : { state: options.state }, { limit: ONE_PAGE }),
  );
  if (options.json === true) return ctx.print(JSON.stringify({ alerts: page.items }, null, 2));
  const rows = page.items.map((a) => [a.id, a.severity, a.state, a.rule, String(a.count), a.lastAt, a.title]);
  for (const line of table(['ID', 'SEVERITY', 'STATE', 'RULE', 'COUNT', 'LAST SEEN', 'TITLE'], rows)) ctx.print(line);
  if (page.items.length === 0) ctx.print('(no alerts)');
}

/** `bastion alerts ack ID [--note T]`: the same audited command as the web's acknowledge button. */
export async function ackAlertVerb(ctx: VerbContext, id: string, options: { note?: string }): Promise<void> {
  const input = { id, ...(options.note !== undefined ? { note: options.note } : {}) };
  const alert = await withBastion(ctx, 'monitoring.alerts.manage', (bastion) =>
    run<AlertView>(bastion, 'monitoring.alerts.acknowledge', input),
  );
  ctx.print(`Acknowledged alert ${alert.id} (${alert.rule}, ${alert.severity}): ${alert.title}`);
}

export function addAlertVerbs(program: Command, context: () => VerbContext): Command {
  const alerts = program.command('alerts').description('List and acknowledge the alerts detection raised');
  alerts
    .command('list')
    .description('List alerts, most recently seen first')
    .addOption(new Option('--state <state>', 'only alerts in this state').choices(ALERT_STATES))
    .option('--json', 'print the alerts as JSON')
    .action((options: { state?: string; json?: boolean }) => listAlertsVerb(context(), options));
  alerts
    .command('ack')
    .description('Acknowledge an alert: someone is on it (stops its escalation)')
    .argument('<ID>', 'the alert id')
    .option('--note <text>', 'what you are doing about it')
    .action((id: string, options: { note?: string }) => ackAlertVerb(context(), id, options));
  return alerts;
}
