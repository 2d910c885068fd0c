import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import type { EventBus } from '../kernel/events.js';
import type { HealthConditions } from '../kernel/health.js';
import { KeyStore } from '../kernel/keys/key-store.js';
import { declaredWriters, type DeclaredWriter, type ModuleContext } from '../kernel/module.js';
import type { DataCatalog } from '../kernel/privacy/catalog.js';
import type { FieldCipher } from '../kernel/privacy/cipher.js';
import type { PermissionCatalog } from '../kernel/pipeline/permissions.js';
import type { CommandPipeline } from '../kernel/pipeline/pipeline.js';
import type { Transact } from '../kernel/store.js';
import { inTransaction, type Storage } from '../storage/storage.js';

export interface ContextParts {
  config: BastionConfig;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  health: HealthConditions;
  permissions: PermissionCatalog;
  pipeline: CommandPipeline;
  storage: Storage;
  catalog: DataCatalog;
  cipher: FieldCipher;
}

/**
 * The narrow view of one instance that modules get. The writable database stays here: modules read through
 * `db` (typed read-only) and write in a command's transaction, or through a declared writer.
 */
export function moduleContext(parts: ContextParts): ModuleContext {
  const { storage, logger, pipeline } = parts;
  return Object.freeze({
    config: parts.config,
    clock: parts.clock,
    logger,
    events: parts.events,
    health: parts.health,
    permissions: parts.permissions,
    commands: {
      execute: pipeline.execute.bind(pipeline),
      list: () => pipeline.list(),
      decide: pipeline.decide.bind(pipeline),
      authorizeRead: pipeline.authorizeRead.bind(pipeline),
      readScopes: pipeline.readScopes.bind(pipeline),
    },
    db: storage.db,
    dialect: {
      dialect: storage.dialect,
      capabilities: storage.capabilities,
      ...(storage.connections ? { connections: storage.connections } : {}),
    },
    keys: KeyStore.of(parts.config.dataDir),
    catalog: parts.catalog,
    cipher: parts.cipher,
    writer: writers(storage, logger),
  });
}

/** Transaction runners for the declared writers only (kernel/module.ts); any other name is refused. */
export function writers(storage: Storage, logger: Logger): (name: DeclaredWriter) => Transact {
  return (name) => {
    if (!declaredWriters.includes(name)) throw new Error(`${String(name)} is not a declared writer`);
    return (work) => inTransaction(storage, logger, work);
  };
}
