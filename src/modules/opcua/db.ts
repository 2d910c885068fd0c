// PHASE-1 PLACEHOLDER: every table; narrow to this module's own tables and the public table types it reads.
import type { AuditTables } from '../audit/index.js';
import type { IdentityTables } from '../identity/index.js';
import type { KernelTables } from '../../kernel/pipeline/schema.js';
import type { GenealogyTables, SerialTables } from '../genealogy/index.js';
import type { QualityTables } from '../quality/index.js';
import type { CounterTables, PerformanceTables } from '../performance/index.js';
import type { MaintenanceTables } from '../maintenance/index.js';
import type { IngestTables } from '../ingest/index.js';
import type { OpcUaTables } from '../opcua/schema.js';
import type { PlantTables } from '../plant/index.js';
import type { DeviationTables, DownloadTables, RecipeTables } from '../recipes/index.js';
import type { BatchRecordTables } from '../recipes/index.js';
import type { AttachmentTables, OrderTables, ProductionTables } from '../production/index.js';
import { commandsOn } from '../../kernel/pipeline/types.js';

export interface Database
  extends
    KernelTables,
    AuditTables,
    IdentityTables,
    PlantTables,
    ProductionTables,
    OrderTables,
    AttachmentTables,
    GenealogyTables,
    SerialTables,
    QualityTables,
    PerformanceTables,
    CounterTables,
    MaintenanceTables,
    IngestTables,
    OpcUaTables,
    RecipeTables,
    DeviationTables,
    DownloadTables,
    BatchRecordTables {}

export const defineCommand = commandsOn<Database>();
