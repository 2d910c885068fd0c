import type { KernelTables } from '../../kernel/pipeline/schema.js';
import type { GenealogyTables, SerialTables } from '../genealogy/index.js';
import type { IdentityTables } from '../identity/index.js';
import type { PlantTables } from '../plant/index.js';
import type { AttachmentTables, OrderTables, ProductionTables } from '../production/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';
import type { QualityTables } from './schema.js';

/**
 * The tables quality sees: its own, the lots it holds and judges (genealogy), the products and work orders
 * its plans and inspections refer to (production). Production's and genealogy's lookups are called with this
 * handle, and Kysely's handle types are invariant in their tables, so it carries every table their handles
 * carry (attachments, serials, plant) although quality itself never queries them. The NCR list also reads the
 * names of the people who decided (identity) and the dispositions still waiting for a second person (kernel).
 */
export interface Database
  extends
    QualityTables,
    GenealogyTables,
    SerialTables,
    ProductionTables,
    OrderTables,
    AttachmentTables,
    PlantTables,
    IdentityTables,
    Pick<KernelTables, 'command_approvals'> {}

export const defineCommand = commandsOn<Database>();
