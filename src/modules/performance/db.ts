import type { PlantTables } from '../plant/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { CounterTables, PerformanceTables } from './schema.js';

/** The tables performance sees: its own and the plant hierarchy its equipment lives in (plant functions get this). */
export interface Database extends PerformanceTables, CounterTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
