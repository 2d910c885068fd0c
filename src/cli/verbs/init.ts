import { isInitialized } from '../../app/bastion.js';
import { initialize, type InitResult } from '../../app/init.js';
import type { VerbContext } from '../context.js';

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

export async function initVerb(ctx: VerbContext, options: { admin: string }): Promise<void> {
  await ctx.authorize('system.init');
  if (isInitialized(ctx.config)) {
    ctx.print(`${ctx.config.dataDir} is already initialised; nothing changed.`);
    return;
  }
  printInitResult(ctx, await initialize(ctx.config, ctx.logger, options.admin));
}
