import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { publicConfig } from '../kernel/config/load.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { buildHttpApp } from '../http/app.js';
import { loadTls } from '../http/tls.js';
import { startIngest, type RunningIngest } from '../modules/ingest/index.js';
import { startExternalIngest, type ExternalIngest } from '../modules/ingest/index.js';
import { NOT_INDEPENDENT, notIndependentlyWitnessed } from '../modules/audit/index.js';
import { sqliteFile } from '../storage/files.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../kernel/actors.js';
import { systemStop } from '../modules/system/index.js';
import { BackupService, backupJobCommands } from '../modules/backup/index.js';
import { expiredCount, RetentionService } from '../modules/privacy/index.js';
import { sealClearValues } from '../modules/crypto/index.js';
import { openBastion, type Bastion } from './bastion.js';
import { backupHostOf } from './backup-host.js';
import { startMonitoring, type RunningMonitoring } from './monitoring.js';
import { VERSION } from './version.js';

export interface RunningServer {
  bastion: Bastion;
  app: FastifyInstance;
  url: string;
  /** The device broker, when `mqtt.enabled`. */
  ingest?: RunningIngest;
  /** The client of the external broker, when `mqtt.enabled` and `mqtt.url` is set (no embedded broker then). */
  external?: ExternalIngest;
  /** Detection rules over the security events; `settled()` waits for alerts of what is recorded. */
  monitoring: RunningMonitoring;
  /** Scheduled backups and the jobs the API requests. */
  backups: BackupService;
  /** What the operator should know at start (already logged at warn): e.g. witnesses on the database's disk. */
  warnings: string[];
  stop(reason: string): Promise<void>;
}

export { VERSION };

/** Starts Bastion: records the start (and any configuration change), serves HTTP(S), checkpoints on a timer. */
export async function startServer(config: BastionConfig, logger: Logger): Promise<RunningServer> {
  const bastion = await openBastion(config, { logger });
  const warnings = startWarnings(bastion);
  for (const warning of warnings) logger.warn(warning);
  await bastion.pipeline.execute(
    'system.start',
    { version: VERSION, config: publicConfig(config) },
    SYSTEM_ACTOR,
    SYSTEM_ORIGIN,
  );
  // The start record is signed at once, and every witness is tried at once: a witness that cannot be
  // written shows in /readyz from the first second, not at the first periodic checkpoint.
  await bastion.audit.checkpointNow();
  const app = await buildHttpApp(bastion, config.http.plain ? {} : { https: loadTls(config) });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${config.http.plain ? 'http' : 'https'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const external = config.mqtt.enabled && config.mqtt.url !== undefined;
  const ingest =
    config.mqtt.enabled && !external
      ? await orClose(bastion, app, () => startIngest(bastion.context, config, logger))
      : undefined;
  const client = external
    ? await orClose(bastion, app, () => startExternalIngest(bastion.context, config, logger))
    : undefined;
  // Scheduled backups, prunes and drills, and the jobs the API requests (run after their request commits).
  const backups = new BackupService(backupHostOf(bastion), backupJobCommands(config));
  backups.start();
  // Disposal of what the retention rules no longer keep: at start, then every privacy.disposeEveryHours.
  const retention = new RetentionService({
    commands: bastion.context.commands,
    clock: bastion.clock,
    logger,
    everyHours: config.privacy.disposeEveryHours,
    scheduled: bastion.pipeline.get('privacy.dispose.scheduled'),
    pending: () =>
      expiredCount(bastion.context.db, bastion.context.catalog, config.privacy.retention, bastion.clock.now()),
  });
  retention.start();
  // Values from before their column was encrypted (an upgraded database) are sealed once, in audited batches.
  const sealing = sealClearValues(
    bastion.crypto,
    bastion.context.db,
    (name, input) => bastion.pipeline.execute(name, input, SYSTEM_ACTOR, SYSTEM_ORIGIN),
    { command: 'crypto.fields.seal.scheduled' },
  )
    .then((sealed) => {
      if (Object.keys(sealed).length > 0) logger.info({ sealed }, 'crypto: clear values from before encryption sealed');
    })
    .catch((error: unknown) => logger.error({ err: error }, 'crypto: sealing clear values failed'));
  // Detection: rules over the security events every process records, alerts raised and escalated.
  const monitoring = await startMonitoring(bastion, logger);
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
    external: client,
    backups,
    monitoring,
    warnings,
    async stop(reason) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // Each part gets a bounded time, so that a stuck one cannot keep the process (and its stop record) hostage.
      await bounded(logger, 'HTTP server', app.close());
      await bounded(logger, 'MQTT broker', ingest?.close());
      await bounded(logger, 'external MQTT client', client?.close());
      await bounded(logger, 'backup job', backups.stop());
      await bounded(logger, 'disposal pass', retention.stop());
      await bounded(logger, 'sealing clear values', sealing);
      await bounded(logger, 'monitoring', monitoring.stop());
      await bastion.pipeline.flushDenials(); // before the stop record, so the final checkpoint covers them
      await bastion.pipeline.execute(systemStop, { reason }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
      await bastion.audit.checkpointNow();
      await bounded(logger, 'off-host audit witnesses', bastion.audit.settled());
      await bastion.close();
    },
  };
}

/** How long one part of the shutdown may take before the rest goes on without it. */
export const STOP_PART_MS = 10_000;

/** Waits for `work` at most STOP_PART_MS; a failure or a timeout is logged, never thrown. */
export async function bounded(logger: Logger, what: string, work: Promise<unknown> | undefined): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_PART_MS)));
  try {
    if ((await Promise.race([work, timeUp])) === 'timeout') logger.error({ part: what }, 'shutdown step timed out');
  } catch (error) {
    logger.error({ err: error, part: what }, 'shutdown step failed');
  } finally {
    clearTimeout(timer);
  }
}

function startWarnings(bastion: Bastion): string[] {
  const databaseFile = bastion.config.databaseUrl !== undefined ? undefined : sqliteFile(bastion.config);
  return notIndependentlyWitnessed(databaseFile, bastion.witnesses) ? [NOT_INDEPENDENT] : [];
}

/** A broker (or broker client) that cannot start stops start-up, leaving nothing half-open behind. */
async function orClose<T>(bastion: Bastion, app: FastifyInstance, start: () => Promise<T> | T): Promise<T> {
  try {
    return await start();
  } catch (error) {
    await app.close();
    await bastion.close();
    throw error;
  }
}
