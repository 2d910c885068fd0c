import type { PlantTables } from '../plant/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { IdentityTables } from './schema.js';

/**
 * The tables identity's handlers and reads see: its own, and the plant hierarchy (a grant's scope must name a
 * live plant node, checked through plant's `isLiveNode` on the command's transaction).
 */
export interface Database extends IdentityTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
