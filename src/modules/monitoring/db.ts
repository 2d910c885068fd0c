import { commandsOn } from '../../kernel/pipeline/types.js';
import type { MonitoringTables } from './schema.js';

export type Database = MonitoringTables;

export const defineCommand = commandsOn<Database>();
