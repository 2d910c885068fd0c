import type { Command } from 'commander';
import { resetDemo } from '../../app/demo/reset.js';
import type { VerbContext } from '../context.js';
import { demoReporter, printDemoAccounts } from './init.js';

/** `bastion demo reset`: wipes a demo data directory's database and seeds the demo plant again. */
export async function demoResetVerb(ctx: VerbContext): Promise<void> {
  await ctx.authorize('system.demo');
  const { accounts } = await resetDemo(ctx.config, ctx.logger, demoReporter(ctx));
  printDemoAccounts(ctx, accounts);
}

export function addDemoVerbs(program: Command, context: () => VerbContext): Command {
  const demo = program.command('demo').description('The demonstration plant made by "init --demo"');
  demo
    .command('reset')
    .description(
      'Discard the demo database (audit log included) and seed it again with new one-time passwords; ' +
        'refused unless the data directory was made by "init --demo"',
    )
    .action(() => demoResetVerb(context()));
  return demo;
}
