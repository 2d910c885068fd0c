import type { PlantTables } from '../plant/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { IngestTables } from './schema.js';

/**
 * The tables ingest's own queries touch: its own, and the plant hierarchy (a Sparkplug device's equipment is
 * found below its edge node's). Performance and recipes are reached through their functions, never their tables.
 */
export interface Database extends IngestTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
