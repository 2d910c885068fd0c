import type { PlantTables } from '../plant/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { MaintenanceTables } from './schema.js';

/**
 * The tables maintenance sees: its own and the plant hierarchy its orders and plans are at (plant functions
 * get this handle). Part counts and machine states are performance's, reached through its functions.
 */
export interface Database extends MaintenanceTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
