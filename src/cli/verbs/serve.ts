import { isInitialized } from '../../app/bastion.js';
import { initialize } from '../../app/init.js';
import { startServer } from '../../app/serve.js';
import type { VerbContext } from '../context.js';
import { initDemo, printInitResult } from './init.js';

/**
 * Serves until SIGINT or SIGTERM; initialises an empty data directory first, as `npm start` promises (with
 * the demo plant when `demo` is set; an initialised directory is served as it is).
 */
export async function serveVerb(ctx: VerbContext, options: { demo?: boolean } = {}): Promise<void> {
  await ctx.authorize('system.serve');
  if (!isInitialized(ctx.config)) {
    if (options.demo) await initDemo(ctx);
    else printInitResult(ctx, await initialize(ctx.config, ctx.logger));
  }
  const server = await startServer(ctx.config, ctx.logger);
  ctx.print(`Bastion is serving on ${server.url} (health: ${server.url}/healthz, API: ${server.url}/api/openapi.json)`);
  const signal = await (ctx.io.stopSignal ?? new Promise<string>(() => undefined));
  await server.stop(`signal ${signal}`);
  ctx.print('Bastion stopped.');
}
