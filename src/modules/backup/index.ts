/** The public surface of the backup module: what app/, the CLI and tests may use. */
export {
  BACKUP_KEY_FILE,
  BACKUP_PUBLIC_KEY_FILE,
  backupSigner,
  checkRestored,
  generateBackupIdentity,
  listBackups,
  readIdentityFile,
  readManifest,
  restoreBackup,
  verifyBackup,
} from './archive/index.js';
export type { BackupDestination } from './destinations/destination.js';
export { backupDestinations, closeDestinations, offHostWitnesses } from './instances.js';
export { runJob } from './dispatch.js';
export type { BackupHost, Reporter } from './host.js';
export { backupJobCommands, isConfigured } from './jobs.js';
export { BackupService } from './service.js';
export { type BackupTables } from './schema.js';
