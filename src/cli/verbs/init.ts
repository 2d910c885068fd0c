import { isInitialized } from '../../app/bastion.js';
import { initializeDemo, type DemoAccount, type DemoReporter } from '../../app/demo/seed.js';
import { initialize, type InitResult } from '../../app/init.js';
import type { VerbContext } from '../context.js';
import { table } from './users.js';

export function printInitResult(ctx: VerbContext, result: InitResult): void {
  ctx.print(`Initialised ${result.dataDir}`);
  ctx.print(`  audit checkpoint public key: ${result.publicKeyFile}`);
  if (result.certificateCreated)
    ctx.print('  TLS: created a self-signed certificate in tls/ (replace it with your own for production)');
  if (result.admin) {
    ctx.print(`Bootstrap administrator: ${result.admin.username}`);
    ctx.print(`One-time password (shown once; it must be changed at first login): ${result.admin.oneTimePassword}`);
  }
}

/** Prints each step of the demo seed as it is done. */
export function demoReporter(ctx: VerbContext): DemoReporter {
  return { step: (line) => ctx.print(line), initialised: (result) => printInitResult(ctx, result) };
}

/** The demo accounts, one line each: user name, role, one-time password (shown once, never stored). */
export function printDemoAccounts(ctx: VerbContext, accounts: DemoAccount[]): void {
  ctx.print('Demo accounts (one-time passwords shown once; each must be changed at first login):');
  const rows = accounts.map((a) => [a.username, a.role, a.oneTimePassword]);
  for (const line of table(['USERNAME', 'ROLE', 'ONE-TIME PASSWORD'], rows)) ctx.print(`  ${line}`);
  const badges = accounts.flatMap((a) => (a.badge ? [[a.username, a.badge.badge, a.badge.pin]] : []));
  if (badges.length === 0) return;
  ctx.print('Terminal badges (sign in at a registered terminal with badge and PIN; PINs shown once):');
  for (const line of table(['USERNAME', 'BADGE', 'PIN'], badges)) ctx.print(`  ${line}`);
}

/** Seeds the demo into an empty data directory, printing each step as it is done. */
export async function initDemo(ctx: VerbContext, admin = 'admin'): Promise<void> {
  await ctx.authorize('system.demo');
  const { accounts } = await initializeDemo(ctx.config, ctx.logger, demoReporter(ctx), admin);
  printDemoAccounts(ctx, accounts);
}

export async function initVerb(ctx: VerbContext, options: { admin: string; demo?: boolean }): Promise<void> {
  await ctx.authorize('system.init');
  if (isInitialized(ctx.config)) {
    ctx.print(`${ctx.config.dataDir} is already initialised; nothing changed.`);
    if (options.demo) ctx.print('To seed the demo again, run "bastion demo reset" (demo data directories only).');
    return;
  }
  if (options.demo) return initDemo(ctx, options.admin);
  printInitResult(ctx, await initialize(ctx.config, ctx.logger, options.admin));
}
