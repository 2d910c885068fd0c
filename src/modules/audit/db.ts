import type { Dialect, ReadDb } from '../../kernel/store.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { AuditTables } from './schema.js';

/** The audit module reads and writes only its own tables. */
export type Database = AuditTables;

/**
 * What the log's readers need: a read-only handle and the dialect (JSON paths and locks differ). app/'s
 * Storage satisfies it, so the CLI passes its own; routes build it from the module context.
 */
export interface AuditReader extends Dialect {
  readonly db: ReadDb<Database>;
}

export const defineCommand = commandsOn<Database>();
