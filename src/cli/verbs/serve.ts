import { isInitialized } from '../../app/bastion.js';
import { initialize } from '../../app/init.js';
import { startDemoSimulation } from '../../app/demo/simulation.js';
import { bounded, startServer } from '../../app/serve.js';
import { createSelfSignedCertificate } from '../../http/index.js';
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
  } else if (
    ctx.config.http.tlsCertFile === undefined &&
    (await createSelfSignedCertificate(ctx.config.dataDir, [ctx.config.host]))
  ) {
    // A further instance on a shared database starts from a copy of keys/ (OPERATIONS.md): its TLS identity is its own.
    ctx.print('TLS: created a self-signed certificate in tls/ (replace it with your own for production)');
  }
  const server = await startServer(ctx.config, ctx.logger);
  for (const warning of server.warnings) ctx.io.stderr.write(`bastion: warning: ${warning}\n`);
  ctx.print(`Bastion is serving on ${server.url} (health: ${server.url}/healthz, API: ${server.url}/api/openapi.json)`);
  const machines = options.demo ? await startDemoSimulation(server, ctx.config, ctx.logger) : undefined;
  if (machines) ctx.print(`Demo machines of the rim line publish to the MQTT broker on port ${server.ingest!.port}.`);
  const signal = await (ctx.io.stopSignal ?? new Promise<string>(() => undefined));
  await bounded(ctx.logger, 'demo machines', machines?.stop());
  await server.stop(`signal ${signal}`);
  ctx.print('Bastion stopped.');
}
