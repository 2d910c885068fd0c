import type { Command } from 'commander';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { run, table } from './users.js';

interface Registered {
  id: string;
  name: string;
  line: string;
  enrolmentCode: string;
  enrolmentExpiresAt: string;
}

/**
 * `bastion terminals register --name --line`: the same command as `POST /api/terminals`, as the console. The
 * enrolment code is printed this once (Bastion keeps only its digest) and is typed into the terminal's browser.
 */
export async function registerTerminalVerb(ctx: VerbContext, options: { name: string; line: string }): Promise<void> {
  const terminal = await withBastion(ctx, 'identity.terminal.register', (bastion) =>
    run<Registered>(bastion, 'identity.terminal.register', { name: options.name, line: options.line }),
  );
  ctx.print(`Registered terminal ${terminal.name} (id ${terminal.id}) on ${terminal.line}`);
  ctx.print(
    `Enrolment code (shown once; enter it on the terminal before ${terminal.enrolmentExpiresAt}): ${terminal.enrolmentCode}`,
  );
}

export async function listTerminalsVerb(ctx: VerbContext): Promise<void> {
  const rows = await withBastion(ctx, 'identity.terminal.read', (bastion) =>
    bastion.storage.db.selectFrom('terminals').selectAll().orderBy('name').orderBy('id').execute(),
  );
  const at = (value: number | null) => (value === null ? '-' : new Date(value).toISOString());
  const lines = rows.map((r) => [r.name, r.id, r.line, at(r.enrolled_at), at(r.last_seen_at), at(r.revoked_at)]);
  for (const line of table(['NAME', 'ID', 'LINE', 'ENROLLED', 'LAST SEEN', 'REVOKED'], lines)) ctx.print(line);
}

export function addTerminalVerbs(program: Command, context: () => VerbContext): Command {
  const terminals = program.command('terminals').description('Register the shop-floor terminals operators sign in at');
  terminals
    .command('register')
    .description('Register a terminal bound to a line; prints its one-time enrolment code')
    .requiredOption('--name <name>', 'a name people recognise, e.g. "Rim line press HMI"')
    .requiredOption('--line <path>', 'plant path of the line, e.g. /site-1/area-1/line-1')
    .action((options: { name: string; line: string }) => registerTerminalVerb(context(), options));
  terminals
    .command('list')
    .description('List the registered terminals')
    .action(() => listTerminalsVerb(context()));
  return terminals;
}
