import { isInitialized, openBastion, type Bastion } from '../app/bastion.js';
import { checkDatabaseBinding } from '../app/data-dir.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/storage.js';
import type { VerbContext } from './context.js';
import { CliError, ExitCode } from './io.js';

export function requireInitialized(ctx: VerbContext): void {
  if (!isInitialized(ctx.config)) {
    throw new CliError(`${ctx.config.dataDir} is not initialised; run "bastion init" first`, ExitCode.notInitialized);
  }
}

/** Opened without migrating or writing: for verbs that only read (verify, export, proof). */
export async function withStorage<T>(ctx: VerbContext, work: (storage: Storage) => Promise<T>): Promise<T> {
  requireInitialized(ctx);
  // Reading the wrong database would report on it (and opening SQLite would create an empty bastion.db).
  checkDatabaseBinding(ctx.config, { initializing: false });
  const storage = openStorage(ctx.config);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** Authorises the verb, then opens Bastion (migrated, audited pipeline) for its work and always closes it. */
export async function withBastion<T>(
  ctx: VerbContext,
  permission: string,
  work: (bastion: Bastion) => Promise<T>,
): Promise<T> {
  await ctx.authorize(permission);
  requireInitialized(ctx);
  const bastion = await openBastion(ctx.config, { logger: ctx.logger });
  try {
    return await work(bastion);
  } finally {
    await bastion.close();
  }
}
