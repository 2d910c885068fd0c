import { Option, type Command } from 'commander';
import { getIncident, pageIncidents, PLAYBOOKS, type IncidentView } from '../../modules/monitoring/index.js';
import type { MonitoringTables } from '../../modules/monitoring/index.js';
import type { Bastion } from '../../app/bastion.js';
import type { ReadDb } from '../../kernel/store.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { run, table } from './users.js';

const STATES = ['open', 'contained', 'closed'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `bastion incidents list [--state S] [--json]`: newest first. */
const monitoringDb = (bastion: Bastion) => bastion.context.db as ReadDb<MonitoringTables>;

export async function listIncidentsVerb(ctx: VerbContext, options: { state?: string; json?: boolean }): Promise<void> {
  const page = await withBastion(ctx, 'monitoring.incidents.read', (bastion) =>
    pageIncidents(monitoringDb(bastion), options.state, 500),
  );
  if (options.json === true) return ctx.print(JSON.stringify({ incidents: page.items }, null, 2));
  const done = (i: IncidentView) => `${i.steps.filter((s) => s.doneAt !== null).length}/${i.steps.length}`;
  const rows = page.items.map((i) => [i.number, i.severity, i.state, i.owner ?? '-', done(i), i.openedAt, i.title]);
  for (const line of table(['NUMBER', 'SEVERITY', 'STATE', 'OWNER', 'STEPS', 'OPENED', 'TITLE'], rows)) ctx.print(line);
  if (page.items.length === 0) ctx.print('(no incidents)');
}

/** An incident as a page of text: header, checklist, alerts, timeline. */
export function incidentLines(i: IncidentView): string[] {
  const lines = [
    `${i.number}  ${i.title}`,
    `State: ${i.state}   Severity: ${i.severity}   Owner: ${i.owner ?? '-'}   Playbook: ${i.playbook ?? '-'}`,
    `Opened: ${i.openedAt} by ${i.openedBy}${i.closedAt === null ? '' : `   Closed: ${i.closedAt}`}`,
  ];
  if (i.rootCause !== null) lines.push(`Root cause: ${i.rootCause}`);
  if (i.lessons !== null) lines.push(`Lessons: ${i.lessons}`);
  if (i.steps.length > 0) lines.push('', 'Checklist:');
  for (const s of i.steps)
    lines.push(
      `  [${s.doneAt === null ? ' ' : 'x'}] ${s.position}. ${s.step}${s.doneAt === null ? '' : ` (${s.doneAt})`}`,
    );
  const indent = (rows: string[]) => rows.map((l) => `  ${l}`);
  if (i.alerts.length > 0) {
    const alerts = i.alerts.map((a) => [a.id, a.severity, a.state, a.rule, a.title]);
    lines.push('', 'Alerts:', ...indent(table(['ID', 'SEVERITY', 'STATE', 'RULE', 'TITLE'], alerts)));
  }
  const timeline = i.timeline.map((e) => [e.at, e.kind, e.actor, e.text]);
  lines.push('', 'Timeline:', ...indent(table(['AT', 'KIND', 'ACTOR', 'TEXT'], timeline)));
  return lines;
}

const show = (ctx: VerbContext, incident: IncidentView, json?: boolean) => {
  if (json === true) return ctx.print(JSON.stringify(incident, null, 2));
  for (const line of incidentLines(incident)) ctx.print(line);
};

export async function showIncidentVerb(ctx: VerbContext, ref: string, options: { json?: boolean }): Promise<void> {
  const incident = await withBastion(ctx, 'monitoring.incidents.read', (bastion) =>
    getIncident(monitoringDb(bastion), ref),
  );
  show(ctx, incident, options.json);
}

interface OpenOptions {
  title: string;
  severity: string;
  playbook?: string;
  alert?: string[];
}

export async function openIncidentVerb(ctx: VerbContext, options: OpenOptions): Promise<void> {
  const input = {
    title: options.title,
    severity: options.severity,
    ...(options.playbook !== undefined ? { playbook: options.playbook } : {}),
    ...(options.alert !== undefined ? { alertIds: options.alert } : {}),
  };
  const incident = await withBastion(ctx, 'monitoring.incidents.manage', (bastion) =>
    run<IncidentView>(bastion, 'monitoring.incidents.open', input),
  );
  ctx.print(`Opened ${incident.number} (id ${incident.id})`);
  show(ctx, incident);
}

export async function closeIncidentVerb(
  ctx: VerbContext,
  ref: string,
  options: { rootCause: string; lessons: string },
): Promise<void> {
  const input = { id: ref, rootCause: options.rootCause, lessons: options.lessons };
  const incident = await withBastion(ctx, 'monitoring.incidents.manage', (bastion) =>
    run<IncidentView>(bastion, 'monitoring.incidents.close', input),
  );
  const undone = incident.steps.filter((s) => s.doneAt === null).length;
  ctx.print(`Closed ${incident.number}${undone > 0 ? ` with ${undone} playbook step(s) not done` : ''}`);
}

export function addIncidentVerbs(program: Command, context: () => VerbContext): Command {
  const incidents = program.command('incidents').description('Open, follow and close security incidents');
  incidents
    .command('list')
    .description('List incidents, newest first')
    .addOption(new Option('--state <state>', 'only incidents in this state').choices(STATES))
    .option('--json', 'print the incidents as JSON')
    .action((options: { state?: string; json?: boolean }) => listIncidentsVerb(context(), options));
  incidents
    .command('show')
    .description('Show an incident: its checklist, alerts and timeline')
    .argument('<ID|NUMBER>', 'the incident id or number, e.g. INC-0001')
    .option('--json', 'print the incident as JSON')
    .action((ref: string, options: { json?: boolean }) => showIncidentVerb(context(), ref, options));
  incidents
    .command('open')
    .description('Open an incident, optionally from alerts and with a playbook')
    .requiredOption('--title <text>', 'what happened, in a line')
    .addOption(new Option('--severity <severity>', 'how bad it is').choices(SEVERITIES).makeOptionMandatory())
    .addOption(new Option('--playbook <name>', 'the checklist to follow').choices(PLAYBOOKS.map((p) => p.name)))
    .option('--alert <id>', 'an alert to link (repeat for several)', collect)
    .action((options: OpenOptions) => openIncidentVerb(context(), options));
  incidents
    .command('close')
    .description('Close an incident with its root cause and lessons learned (closes its alerts)')
    .argument('<ID|NUMBER>', 'the incident id or number')
    .requiredOption('--root-cause <text>', 'what caused it')
    .requiredOption('--lessons <text>', 'what changes so it does not happen again')
    .action((ref: string, options: { rootCause: string; lessons: string }) =>
      closeIncidentVerb(context(), ref, options),
    );
  return incidents;
}
