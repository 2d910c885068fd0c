import { commandsOn } from '../../kernel/pipeline/types.js';
import type { OrderTables, ProductionTables } from '../production/index.js';
import type { GenealogyTables, SerialTables } from './schema.js';

/** Genealogy's own tables, plus the materials and work orders of production that lots name. */
export interface Database extends GenealogyTables, SerialTables, ProductionTables, OrderTables {}

export const defineCommand = commandsOn<Database>();
