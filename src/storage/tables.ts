import type { AuditTables } from '../modules/audit/schema.js';
import type { IdentityTables } from '../modules/identity/schema.js';
import type { KernelTables } from '../kernel/pipeline/schema.js';
import type { GenealogyTables, SerialTables } from '../modules/genealogy/schema.js';
import type { QualityTables } from '../modules/quality/schema.js';
import type { CounterTables, PerformanceTables } from '../modules/performance/schema.js';
import type { MaintenanceTables } from '../modules/maintenance/schema.js';
import type { IngestTables } from '../modules/ingest/schema.js';
import type { OpcUaTables } from '../modules/opcua/schema.js';
import type { PlantTables } from '../modules/plant/schema.js';
import type { DeviationTables, DownloadTables, RecipeTables } from '../modules/recipes/schema.js';
import type { BatchRecordTables } from '../modules/recipes/batch-record-schema.js';
import type { InstanceKeyTables } from './instance-keys.js';
import type { AttachmentTables, OrderTables, ProductionTables } from '../modules/production/schema.js';

/** Every table Bastion owns, as Kysely sees them. Each module declares its own part. */
export interface Database
  extends
    KernelTables,
    InstanceKeyTables,
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
