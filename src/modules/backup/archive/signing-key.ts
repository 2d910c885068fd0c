import { existsSync } from 'node:fs';
import { KeyStore, loadPublicKey, type SigningKey } from '../../../kernel/keys/key-store.js';
import type { KeyObject } from 'node:crypto';
import { BACKUP_KEY_FILE, BACKUP_PUBLIC_KEY_FILE } from './format.js';

/**
 * The manifest signing key of a data directory, made on first use with its public half beside it
 * (`keys/backup-signing.pub`, to copy wherever backups are verified or restored).
 */
export function backupSigner(dataDir: string): SigningKey {
  const store = KeyStore.of(dataDir);
  store.create(BACKUP_KEY_FILE);
  if (!existsSync(store.file(BACKUP_PUBLIC_KEY_FILE))) store.exportPublicKey(BACKUP_KEY_FILE, BACKUP_PUBLIC_KEY_FILE);
  return store.load(BACKUP_KEY_FILE);
}

/** The public key that checks manifests, from a `backup-signing.pub` file. */
export function loadBackupPublicKey(file: string): KeyObject {
  return loadPublicKey(file);
}
