import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { Database } from './db.js';

/**
 * Runs another module's helper (performance's telemetry, recipes' checks) in the batch's own transaction, so
 * that its rows commit or roll back with the batch. Those helpers type the context with their own tables, and
 * Kysely's handle type is invariant in its tables, so the same context is passed as the helper declares it:
 * only the static type differs, never the transaction, and ingest's db.ts needs none of their tables.
 */
export function sameTransaction<P extends unknown[], R>(
  helper: (ctx: never, ...args: P) => R,
  ctx: CommandContext<Database>,
  ...args: P
): R {
  return (helper as (ctx: CommandContext<Database>, ...args: P) => R)(ctx, ...args);
}
