import type { AuditTables } from '../audit/index.js';
import type { ReadDb } from '../../kernel/store.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { BackupHost } from './host.js';
import type { BackupTables } from './schema.js';

/** The backup module writes only its own history; it reads the audit checkpoints to keep off-host witnesses whole. */
export interface Database extends BackupTables, AuditTables {}

export const defineCommand = commandsOn<Database>();

export const dbOf = (host: Pick<BackupHost, 'context'>) => host.context.db as ReadDb<Database>;
