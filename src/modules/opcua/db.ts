import type { PlantTables } from '../plant/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { OpcUaTables } from './schema.js';

/** The tables the OPC UA module touches: its own, and the plant hierarchy a connection is defined at. */
export interface Database extends OpcUaTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
