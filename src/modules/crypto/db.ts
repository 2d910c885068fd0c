import { commandsOn } from '../../kernel/pipeline/types.js';
import type { CryptoTables } from './schema.js';

export type Database = CryptoTables;

export const defineCommand = commandsOn<Database>();
