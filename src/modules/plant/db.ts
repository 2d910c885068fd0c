import { commandsOn } from '../../kernel/pipeline/types.js';
import type { PlantTables } from './schema.js';

/** The plant module sees only its own table: it sits at the bottom of the module graph and reads no other. */
export type Database = PlantTables;

export const defineCommand = commandsOn<Database>();
