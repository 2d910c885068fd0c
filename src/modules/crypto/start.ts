import { ConfigError } from '../../kernel/config/load.js';
import type { ReadDb, Transact } from '../../kernel/store.js';
import { KekMismatchError, openKek, type KekSettings } from './kek.js';
import { usableKeys } from './key-rows.js';
import type { Keyring } from './keyring.js';
import type { CryptoTables } from './schema.js';

const KEK_HINT =
  'configure the KEK that wrapped them (crypto.kek.source; keys/kek.key, BASTION_KEK or BASTION_KEK_PASSPHRASE). ' +
  'Without it the encrypted fields cannot be read: restore it from its escrow copy (see SECURITY.md, Key hierarchy)';

const short = (id: string) => `${id.slice(0, 16)}…`;

/**
 * Opens the configured KEK and unwraps every usable data key, before anything is served. A KEK that is not
 * the one the database's keys were wrapped with stops start-up with a ConfigError naming what to do; a
 * missing key file or salt is made only for a database that holds no data key yet.
 */
export async function startKeyring(
  keyring: Keyring,
  db: ReadDb<CryptoTables>,
  dataDir: string,
  settings: KekSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const any = await db.selectFrom('crypto_keys').select('id').limit(1).executeTakeFirst();
  const kek = await openKek({ dataDir, settings, env, mayCreate: any === undefined });
  const rows = await usableKeys(db);
  const foreign = rows.find((row) => row.kek_id !== kek.id);
  if (foreign)
    throw new ConfigError(
      `The key-encryption key in use (${short(kek.id)}, source ${settings.source}) is not the one that wrapped ` +
        `this database's data keys (${short(foreign.kek_id)}): ${KEK_HINT}`,
    );
  try {
    await keyring.load(db, kek, rows);
  } catch (error) {
    if (!(error instanceof KekMismatchError)) throw error;
    throw new ConfigError(`The key-encryption key in use does not unwrap this database's data keys: ${KEK_HINT}`);
  }
}

/**
 * Makes the database's blind-index key if it has none (once per database, like the other keys), then loads
 * it. Two instances starting at once on a new database with different KEKs: the loser stops here.
 */
export async function prepareKeyring(keyring: Keyring, transact: Transact): Promise<void> {
  try {
    await transact((uow) => keyring.prepare(uow.tx));
    await keyring.loadBlindKey();
  } catch (error) {
    if (!(error instanceof KekMismatchError)) throw error;
    throw new ConfigError(`The key-encryption key in use does not unwrap this database's data keys: ${KEK_HINT}`);
  }
}
