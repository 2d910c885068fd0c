import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { publicConfig } from '../kernel/config/load.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { buildHttpApp } from '../http/app.js';
import { loadTls } from '../http/tls.js';
import { startIngest, type RunningIngest } from '../modules/ingest/broker.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from './actors.js';
import { openBastion, type Bastion } from './bastion.js';

export interface RunningServer {
  bastion: Bastion;
  app: FastifyInstance;
  url: string;
  /** The device broker, when `mqtt.enabled`. */
  ingest?: RunningIngest;
  stop(reason: string): Promise<void>;
}

export const VERSION = '0.1.0';

/** Starts Bastion: records the start (and any configuration change), serves HTTP(S), checkpoints on a timer. */
export async function startServer(config: BastionConfig, logger: Logger): Promise<RunningServer> {
  const bastion = await openBastion(config, { logger });
  await bastion.pipeline.execute(
    'system.start',
    { version: VERSION, config: publicConfig(config) },
    SYSTEM_ACTOR,
    SYSTEM_ORIGIN,
  );
  const app = await buildHttpApp(bastion, config.http.plain ? {} : { https: loadTls(config) });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${config.http.plain ? 'http' : 'https'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const ingest = config.mqtt.enabled ? await startIngestOrClose(bastion, app, config, logger) : undefined;
  const timer = setInterval(() => {
    bastion.audit.checkpointNow().catch((error: unknown) => logger.error({ err: error }, 'periodic checkpoint failed'));
  }, config.audit.checkpointSeconds * 1000);
  timer.unref();
  let stopped = false;
  return {
    bastion,
    app,
    url,
    ingest,
    async stop(reason) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await app.close();
      await ingest?.close();
      await bastion.pipeline.execute('system.stop', { reason }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
      await bastion.audit.checkpointNow();
      await bastion.close();
    },
  };
}

/** A broker that cannot start (its port taken) stops start-up, leaving nothing half-open behind. */
async function startIngestOrClose(bastion: Bastion, app: FastifyInstance, config: BastionConfig, logger: Logger) {
  try {
    return await startIngest(bastion, config, logger);
  } catch (error) {
    await app.close();
    await bastion.close();
    throw error;
  }
}
