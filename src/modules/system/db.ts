import type { AuditTables } from '../audit/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';

/** The system module owns no table; its start-up record reads the audit log for the previous start. */
export type Database = AuditTables;

export const defineCommand = commandsOn<Database>();
