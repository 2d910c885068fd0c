import { commandsOn } from '../../kernel/pipeline/types.js';
import type { GenealogyTables } from '../genealogy/index.js';
import type { IdentityTables } from '../identity/index.js';
import type { OrderTables, ProductionTables } from '../production/index.js';
import type { BatchRecordTables } from './batch-record-schema.js';
import type { DeviationTables, DownloadTables, RecipeTables } from './schema.js';

/**
 * The columns a batch record reads of tables owned by modules recipes may not import: quality (it sits beside
 * recipes, not below) and audit (the log). Structural, so no import edge; the owners' schema.ts are the truth.
 */
interface ForeignTables {
  /** Owner: quality (quality/schema.ts). */
  quality_plans: { id: string; code: string; version: number };
  quality_inspections: {
    id: string;
    plan_id: string;
    lot_id: string | null;
    order_id: string | null;
    result: string;
    inspected_at: number;
    inspected_by: string;
  };
  quality_measurements: { inspection_id: string; characteristic: string; passed: number };
  /** Owner: audit (audit/schema.ts). */
  audit_records: { seq: number; body: string; hash: Buffer };
}

/** The recipes module's own tables, and those of the modules it reads (production, genealogy, identity). */
export interface Database
  extends
    RecipeTables,
    DeviationTables,
    DownloadTables,
    BatchRecordTables,
    ProductionTables,
    OrderTables,
    GenealogyTables,
    IdentityTables,
    ForeignTables {}

export const defineCommand = commandsOn<Database>();
