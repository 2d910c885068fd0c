import { randomBytes } from 'node:crypto';

/** Backup format version 1: the layout under `backups/<id>/` at a destination (docs: issue 14). */
export const BACKUP_FORMAT = 'bastion-backup/1';

/** The Ed25519 key that signs manifests, in the data directory's key store (a shared key: see app/keys.ts). */
export const BACKUP_KEY_FILE = 'backup-signing.key';
export const BACKUP_PUBLIC_KEY_FILE = 'backup-signing.pub';

export const PART_NAMES = ['database', 'files'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/** `YYYYMMDDTHHMMSSZ-<8 hex>`: sorts by time as text, and two backups in one second still differ. */
export function newBackupId(at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export const backupPrefix = (id: string): string => `backups/${id}/`;
export const partKey = (id: string, name: PartName): string => `${backupPrefix(id)}${name}.age`;
export const manifestKey = (id: string): string => `${backupPrefix(id)}manifest.json`;
export const signatureKey = (id: string): string => `${backupPrefix(id)}manifest.sig`;

export interface ManifestPart {
  name: PartName;
  key: string;
  /** Of the encrypted object as stored: checkable without the age identity. */
  size: number;
  sha256: string;
  /** Of the content before compression, checked after decryption. */
  plainSize: number;
  plainSha256: string;
  compression: 'zstd';
  encryption: 'age';
}

export interface AuditHead {
  treeSize: number;
  rootHash: string;
  checkpoint: { body: string; signature: string } | null;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  id: string;
  createdAt: string;
  bastionVersion: string;
  node: string;
  dialect: 'sqlite' | 'postgres';
  schema: { migrations: number; last: string | null };
  audit: AuditHead;
  tables: Record<string, number>;
  parts: ManifestPart[];
  recipients: string[];
  signer: string;
}

/** What the database looked like at the snapshot instant (all read from the snapshot itself). */
export interface SnapshotState {
  schema: BackupManifest['schema'];
  audit: AuditHead;
  tables: Record<string, number>;
}

export type Progress = (stage: string, done: number, total: number) => void;
