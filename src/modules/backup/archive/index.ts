/** The backup archive: snapshot, seal, signed manifest, verification and restore (format bastion-backup/1). */
export { checkRestored, type CheckOptions, type RestoreCheck, type RestoreCheckReport } from './check.js';
export { createBackup, stagingRoot, type BackupDeps, type StagedBackup, type StagedFile } from './create.js';
export { BackupInvalidError, RestoreRefusedError, type BackupProblem, type BackupProblemKind } from './errors.js';
export {
  BACKUP_FORMAT,
  BACKUP_ID,
  BACKUP_KEY_FILE,
  BACKUP_PUBLIC_KEY_FILE,
  manifestKey,
  partKey,
  signatureKey,
  type BackupManifest,
  type ManifestPart,
} from './format.js';
export { generateBackupIdentity, readIdentityFile } from './identity.js';
export { dataDirHolders } from './in-use.js';
export { readManifest } from './manifest.js';
export { restoreBackup, type RestoreOptions } from './restore.js';
export { backupSigner, loadBackupPublicKey } from './signing-key.js';
export { listBackups, verifyBackup, type BackupListing, type BackupVerification } from './verify.js';
