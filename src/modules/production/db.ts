import { commandsOn } from '../../kernel/pipeline/types.js';
import type { PlantTables } from '../plant/index.js';
import type { AttachmentTables, OrderTables, ProductionTables } from './schema.js';

/** Production's own tables, plus the plant hierarchy it checks work cells and lines against. */
export interface Database extends ProductionTables, OrderTables, AttachmentTables, PlantTables {}

export const defineCommand = commandsOn<Database>();
