import type { AuditTables } from '../modules/audit/index.js';
import type { BackupTables } from '../modules/backup/index.js';
import type { CryptoTables } from '../modules/crypto/index.js';
import type { IdentityTables } from '../modules/identity/index.js';
import type { KernelTables } from '../kernel/pipeline/schema.js';
import type { GenealogyTables, SerialTables } from '../modules/genealogy/index.js';
import type { QualityTables } from '../modules/quality/index.js';
import type { CounterTables, PerformanceTables } from '../modules/performance/index.js';
import type { MaintenanceTables } from '../modules/maintenance/index.js';
import type { IngestTables } from '../modules/ingest/index.js';
import type { OpcUaTables } from '../modules/opcua/index.js';
import type { PlantTables } from '../modules/plant/index.js';
import type { DeviationTables, DownloadTables, RecipeTables } from '../modules/recipes/index.js';
import type { BatchRecordTables } from '../modules/recipes/index.js';
import type { InstanceKeyTables } from '../storage/instance-keys.js';
import type { AttachmentTables, OrderTables, ProductionTables } from '../modules/production/index.js';

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
    BatchRecordTables,
    BackupTables,
    CryptoTables {}
