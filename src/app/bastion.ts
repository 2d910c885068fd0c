import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../kernel/clock.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { EventBus } from '../kernel/events.js';
import { HealthConditions } from '../kernel/health.js';
import { createLogger } from '../kernel/logger.js';
import { BootstrapAuthorizer } from '../kernel/pipeline/authorizer.js';
import { PermissionCatalog } from '../kernel/pipeline/permissions.js';
import { CommandPipeline } from '../kernel/pipeline/pipeline.js';
import { kernelMigrations } from '../kernel/pipeline/schema.js';
import {
  AuditLog,
  loadSigner,
  PUBLIC_KEY_FILE,
  SIGNING_KEY_FILE,
  type Witness,
  witnessesFor,
  WitnessMonitor,
  witnessReport,
} from '../modules/audit/index.js';
import { keysDir } from '../kernel/keys/key-store.js';
import { closeDestinations, offHostWitnesses } from '../modules/backup/index.js';
import { SecurityEventRecorder } from '../modules/monitoring/index.js';
import { Keyring, prepareKeyring, startKeyring, type CryptoService } from '../modules/crypto/index.js';
import { storageMigrations } from '../storage/instance-keys.js';
import { migrate } from '../storage/migrations.js';
import { openStorage } from '../storage/open.js';
import { inTransaction, type Storage } from '../storage/storage.js';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../kernel/actors.js';
import { NotInitializedError } from './errors.js';
import { checkDatabaseBinding, recordDatabaseBinding } from './data-dir.js';
import { shareDataDir } from './data-dir-lock.js';
import { reconcileKeys } from './keys.js';
import type { BastionModule, ModuleContext } from '../kernel/module.js';
import type { Authenticator } from '../kernel/pipeline/types.js';
import { instanceCatalog } from '../storage/catalog.js';
import { moduleContext, writers } from './context.js';
import type { Database } from './database.js';
import { allModules } from './registry.js';
import { unverifiedTls } from '../storage/postgres-tls.js';
import { effectiveDatabaseUrl } from '../kernel/config/database.js';

export interface Bastion {
  readonly config: BastionConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly storage: Storage<Database>;
  /** What every module is given (see kernel/module.ts): the narrow view of this instance. */
  readonly context: ModuleContext;
  /** Finds the caller of an HTTP request from a token or cookie (the identity module's). */
  readonly authenticator?: Authenticator;
  readonly permissions: PermissionCatalog;
  readonly pipeline: CommandPipeline;
  readonly audit: AuditLog;
  readonly events: EventBus;
  readonly witnesses: Witness[];
  readonly publicKeyFile: string;
  readonly modules: BastionModule[];
  /** Degraded conditions (a witness that cannot be written), reported by /readyz. */
  readonly health: HealthConditions;
  /** Shared keys this open made (see keys.ts): the audit key only at `init`, the others on first start. */
  readonly createdKeys: string[];
  /** The field cipher (crypto module) with its rotation service: what `bastion keys` drives. */
  readonly keyring: Keyring;
  readonly crypto: CryptoService;
  /** Writes this process's security events (monitoring); `flush()` before reading them back. */
  readonly securityEvents: SecurityEventRecorder;
  close(): Promise<void>;
}

export interface OpenOptions {
  logger?: Logger;
  clock?: Clock;
  /** `bastion init`: the audit signing key may be made (when the database records none). */
  initializing?: boolean;
  /** Modules besides the registry's, after them (tests and benches: a table of their own with a catalogue). */
  extraModules?: BastionModule[];
  /** Where BASTION_KEK / BASTION_KEK_PASSPHRASE are read (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
}

export function isInitialized(config: BastionConfig): boolean {
  return existsSync(join(keysDir(config.dataDir), SIGNING_KEY_FILE));
}

/** Wires one Bastion instance: storage (migrated), the audit log, the pipeline and every module's commands. */
export async function openBastion(config: BastionConfig, options: OpenOptions = {}): Promise<Bastion> {
  if (!options.initializing && !isInitialized(config)) throw new NotInitializedError(config.dataDir);
  // Before any database is opened: a directory pointed at the wrong database stops here having created nothing.
  checkDatabaseBinding(config, { initializing: options.initializing ?? false });
  // Held until close(): `demo reset` refuses while any process holds it (data-dir-lock.ts).
  const lock = shareDataDir(config.dataDir);
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat);
  const clock = options.clock ?? systemClock;
  // The audit witnesses: local directories and the off-host backup destinations (s3, sftp). The audit
  // module's verification route reads the very same ones.
  const witnesses = [...witnessesFor(config), ...offHostWitnesses(config)];
  const keyring = new Keyring(clock);
  const modules = [...allModules(witnesses, keyring), ...(options.extraModules ?? [])];
  let storage: Storage<Database>;
  try {
    storage = openStorage(config, (error) =>
      logger.warn({ err: { message: error.message } }, 'a database connection was lost; it is replaced on next use'),
    ) as Storage<Database>;
  } catch (error) {
    lock.release();
    throw error;
  }
  const databaseUrl = effectiveDatabaseUrl(config);
  if (databaseUrl !== undefined && unverifiedTls(databaseUrl)) {
    logger.warn(
      'database TLS mode require: the connection is encrypted but the server is not verified (use verify-full)',
    );
  }
  let createdKeys: string[];
  try {
    await migrate(storage, [...kernelMigrations, ...storageMigrations, ...modules.flatMap((m) => m.migrations)]);
    // Before any key is used or made by a module: a data directory whose keys differ from the database's stops here.
    createdKeys = await reconcileKeys(storage, config.dataDir, clock, { initializing: options.initializing ?? false });
    // A KEK that does not unwrap the database's data keys stops start-up here, before anything is served.
    await startKeyring(keyring, storage.db, config.dataDir, config.crypto.kek, options.env);
    // Once per database, like the other keys: the blind-index key (two instances racing make one).
    await prepareKeyring(keyring, (work) => inTransaction(storage, logger, work));
    recordDatabaseBinding(config);
  } catch (error) {
    await storage.close();
    lock.release();
    throw error;
  }
  const permissions = new PermissionCatalog();
  permissions.register(...modules.flatMap((m) => m.permissions));
  const health = new HealthConditions();
  const events = new EventBus(logger);
  const monitor: WitnessMonitor = new WitnessMonitor({
    health,
    events,
    clock,
    logger,
    // Called only after a checkpoint has been written, long after `pipeline` below exists.
    record: (input): Promise<unknown> => pipeline.execute(witnessReport, input, SYSTEM_ACTOR, SYSTEM_ORIGIN),
  });
  const writer = writers(storage, logger);
  const audit = new AuditLog({
    // The declared writer 'audit.checkpoint' (kernel/module.ts), made here because the context comes later.
    transact: writer('audit.checkpoint'),
    signer: loadSigner(config.dataDir),
    witnesses,
    clock,
    logger,
    checkpointEvery: config.audit.checkpointEvery,
    onWitnessed: (witness, treeSize, error) => monitor.witnessed(witness, treeSize, error),
  });
  const pipeline: CommandPipeline = new CommandPipeline({
    store: {
      db: storage.db,
      dialect: storage.dialect,
      capabilities: storage.capabilities,
      transact: (work) => inTransaction(storage, logger, work),
    },
    audit,
    authorizer: new BootstrapAuthorizer(permissions),
    events,
    permissions,
    clock,
    logger,
    denialWindowMs: config.audit.denialWindowSeconds * 1000,
    cipher: keyring,
  });
  // Security events from this process (serve or the CLI), written in batches for the detector (monitoring).
  const securityEvents = new SecurityEventRecorder({
    events,
    transact: writer('monitoring.events'),
    clock,
    logger,
  }).attach();
  const catalog = instanceCatalog(modules);
  const context = moduleContext({
    ...{ config, clock, logger, events, health, permissions, pipeline, storage, catalog },
    cipher: keyring,
  });
  const authenticator = firstSupplied(modules, (m) => (m.authenticator ? m.authenticator(context) : undefined));
  const bastion: Bastion = {
    context,
    ...(authenticator ? { authenticator } : {}),
    config,
    logger,
    clock,
    storage,
    permissions,
    pipeline,
    audit,
    events,
    witnesses,
    publicKeyFile: join(keysDir(config.dataDir), PUBLIC_KEY_FILE),
    modules,
    health,
    createdKeys,
    keyring,
    securityEvents,
    crypto: (modules.find((m) => m.name === 'crypto') as unknown as { service: CryptoService }).service,
    close: async () => {
      try {
        await pipeline.flushDenials(); // counts of repeated denials still in memory
        await securityEvents.close();
        await authenticator?.close?.();
        await audit.settled(); // checkpoints on their way to off-host witnesses (a CLI run ends here)
        await storage.close();
      } finally {
        lock.release();
        await closeDestinations(config);
      }
    },
  };
  for (const module of modules) pipeline.register(...module.commands(context));
  const authorizer = firstSupplied(modules, (m) => (m.authorizer ? m.authorizer(context) : undefined));
  if (authorizer) pipeline.setAuthorizer(authorizer);
  const signatures = firstSupplied(modules, (m) => (m.signatures ? m.signatures(context) : undefined));
  if (signatures) pipeline.setSignatureVerifier(signatures);
  return bastion;
}

/** What the first module supplying an optional hook gives (one module supplies each: identity). */
function firstSupplied<T>(modules: BastionModule[], supply: (module: BastionModule) => T | undefined): T | undefined {
  for (const module of modules) {
    const supplied = supply(module);
    if (supplied !== undefined) return supplied;
  }
  return undefined;
}
