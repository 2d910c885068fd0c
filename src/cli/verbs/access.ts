import type { Command } from 'commander';
import { withHttpApp } from '../../app/routes.js';
import { accessMatrix, type AccessMatrix } from '../../modules/identity/index.js';
import type { VerbContext } from '../context.js';
import { withBastion } from '../open.js';
import { table } from './users.js';

/** The matrix with its routes: they are known only once the HTTP app has registered them (nothing listens). */
async function matrixOf(ctx: VerbContext): Promise<AccessMatrix> {
  return withBastion(ctx, 'identity.grants.read', async (bastion) => {
    return withHttpApp(bastion, (app) => accessMatrix(bastion.context, app));
  });
}

const orNone = (lines: string[]) => (lines.length > 0 ? lines : ['-']);

export async function matrixVerb(ctx: VerbContext, options: { json?: boolean }): Promise<void> {
  const matrix = await matrixOf(ctx);
  if (options.json) return ctx.print(JSON.stringify(matrix, null, 2));
  const rows = matrix.permissions.map((p) => [
    p.permission,
    orNone([...p.holders, ...(p.console ? ['console'] : [])]),
    orNone(
      p.commands.map((c) => {
        const marks = [c.scoped ? 'scoped' : '', c.dualControl ? 'dual control' : ''].filter(Boolean);
        return marks.length > 0 ? `${c.name} (${marks.join(', ')})` : c.name;
      }),
    ),
    orNone(p.routes),
  ]);
  for (const line of table(['PERMISSION', 'HOLDERS', 'COMMANDS', 'ROUTES'], rows)) ctx.print(line);
  ctx.print('');
  ctx.print(`Roles: ${matrix.roles.join(', ')}. A role holds its permissions at the scope of its grant and below.`);
}

/** `bastion access …`: who may do what, read from the running code rather than from documentation. */
export function addAccessVerbs(program: Command, context: () => VerbContext): Command {
  const access = program.command('access').description('Inspect the access-control model');
  access
    .command('matrix')
    .description('Print every permission with the roles that hold it, its commands and its HTTP routes')
    .option('--json', 'print the matrix as JSON')
    .action((options: { json?: boolean }) => matrixVerb(context(), options));
  return access;
}
