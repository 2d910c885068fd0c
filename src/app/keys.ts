import type { Kysely } from 'kysely';
import type { Clock } from '../kernel/clock.js';
import { ConfigError } from '../kernel/config/load.js';
import { KeyStore } from '../kernel/keys/key-store.js';
import { createSigningKey, PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from '../modules/audit/index.js';
import { createSecretsKey, SECRETS_KEY_FILE, secretsKeyFingerprint } from '../modules/identity/index.js';
import { RECIPE_KEY_FILE } from '../modules/recipes/index.js';
import { BACKUP_KEY_FILE, backupSigner } from '../modules/backup/index.js';
import { recordedKeys, recordKey, type InstanceKeyTables } from '../storage/instance-keys.js';
import type { Storage } from '../storage/storage.js';

/** A key in data/keys/ that every instance on one database must hold (the TLS key is per instance, not here). */
interface SharedKey {
  file: string;
  what: string;
  fingerprint(dataDir: string): string;
  create(dataDir: string): void;
  /** Only `bastion init` makes the audit signing key: its absence means "not initialised". */
  madeAtInit?: boolean;
}

/** The public-key fingerprint of an Ed25519 key of the key store: public, so safe anywhere. */
const publicKeyFingerprint = (dataDir: string, name: string) => KeyStore.of(dataDir).load(name).fingerprint;

export const SHARED_KEYS: SharedKey[] = [
  {
    file: SIGNING_KEY_FILE,
    what: 'audit checkpoint signing key',
    fingerprint: (dir) => publicKeyFingerprint(dir, SIGNING_KEY_FILE),
    create: (dir) => void createSigningKey(dir),
    madeAtInit: true,
  },
  {
    file: SECRETS_KEY_FILE,
    what: 'identity secrets key (second-factor seeds)',
    fingerprint: secretsKeyFingerprint,
    create: (dir) => void createSecretsKey(dir),
  },
  {
    file: RECIPE_KEY_FILE,
    what: 'recipe signing key',
    fingerprint: (dir) => publicKeyFingerprint(dir, RECIPE_KEY_FILE),
    create: (dir) => void KeyStore.of(dir).create(RECIPE_KEY_FILE),
  },
  {
    file: BACKUP_KEY_FILE,
    what: 'backup manifest signing key',
    fingerprint: (dir) => publicKeyFingerprint(dir, BACKUP_KEY_FILE),
    // With its public half (keys/backup-signing.pub), which restores after the loss of the host need.
    create: (dir) => void backupSigner(dir),
  },
];

/** Start-up refused: this data directory's keys are not the ones the database was written with. */
export class KeyMismatchError extends ConfigError {}

const short = (fingerprint: string) => fingerprint.replace(/^([a-z0-9-]+:[0-9a-f]{16}).*$/, '$1…');

function missing(key: SharedKey, dataDir: string, recorded: string): KeyMismatchError {
  return new KeyMismatchError(
    `keys/${key.file} (${key.what}) is missing from ${dataDir}, but the database already records one ` +
      `(${short(recorded)}): copy keys/${key.file} from an instance that serves this database (see OPERATIONS.md); ` +
      'a new key is never made for a database that has one',
  );
}

function differs(key: SharedKey, dataDir: string, recorded: string, found: string): KeyMismatchError {
  return new KeyMismatchError(
    `keys/${key.file} (${key.what}) in ${dataDir} is not the key this database was written with ` +
      `(database ${short(recorded)}, this instance ${short(found)}): copy keys/${key.file} from an instance ` +
      'that serves this database (see OPERATIONS.md)',
  );
}

/**
 * Checks every shared key of the data directory against the fingerprints the database records, before
 * anything is served. A key the database records must be here and equal; one it does not record is made
 * (unless it is the audit key and this is not `init`) and recorded. Two instances racing on a new
 * database both try to record: the second finds the first's fingerprint and refuses. Returns the keys made.
 */
export async function reconcileKeys(
  storage: Storage,
  dataDir: string,
  clock: Clock,
  options: { initializing: boolean },
): Promise<string[]> {
  const db = storage.db as Kysely<InstanceKeyTables>;
  const recorded = await recordedKeys(db);
  const created: string[] = [];
  for (const key of SHARED_KEYS) {
    const known = recorded.get(key.file);
    if (!KeyStore.of(dataDir).has(key.file)) {
      if (known !== undefined) throw missing(key, dataDir, known);
      if (key.madeAtInit && !options.initializing) continue;
      key.create(dataDir);
      created.push(key.file);
    }
    const found = key.fingerprint(dataDir);
    const standing = known ?? (await recordKey(db, key.file, found, clock.now()));
    if (standing !== found) throw differs(key, dataDir, standing, found);
  }
  restorePublicKey(dataDir);
  return created;
}

/** The audit public key is derived from the private one: a copied private key is enough. */
function restorePublicKey(dataDir: string): void {
  const store = KeyStore.of(dataDir);
  if (store.has(SIGNING_KEY_FILE) && !store.has(PUBLIC_KEY_FILE))
    store.exportPublicKey(SIGNING_KEY_FILE, PUBLIC_KEY_FILE);
}
