import { hashRaw } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../kernel/config/load.js';
import { decrypt, encrypt, KEY_BYTES, keyCheckValue, packed, unpacked } from './aead.js';

/**
 * The key-encryption key (KEK) port: it wraps and unwraps data keys and nothing else. Async, so an external
 * KMS (Vault transit, a PKCS#11 token) can hold the key and do the work remotely. `id` names the key without
 * revealing it (a key check value), and is stored beside every wrapped data key.
 */
export interface KeyEncryptionKey {
  readonly id: string;
  wrap(dek: Buffer, aad: Buffer): Promise<Buffer>;
  /** Throws KekMismatchError when the wrapped key does not open under this KEK. */
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

export class KekMismatchError extends Error {}

export const KEK_FILE = 'kek.key';
export const KEK_SALT_FILE = 'kek.salt';
/** argon2id at 64 MiB, three passes: a passphrase KEK is derived once per start, so it can be slow. */
const PASSPHRASE_OPTIONS = { algorithm: 2, memoryCost: 65_536, timeCost: 3, parallelism: 1, outputLen: KEY_BYTES };

/** A KEK whose 32 bytes are in this process (file, environment, passphrase). */
export function localKek(key: Buffer): KeyEncryptionKey {
  if (key.length !== KEY_BYTES) throw new ConfigError(`The key-encryption key must be ${KEY_BYTES} bytes`);
  return {
    id: `kcv:${keyCheckValue(key, 'bastion key-encryption key check v1')}`,
    wrap: (dek, aad) => Promise.resolve(packed(encrypt(key, dek, aad))),
    unwrap(wrapped, aad) {
      const dek = decrypt(key, unpacked(wrapped), aad);
      return dek ? Promise.resolve(dek) : Promise.reject(new KekMismatchError('the data key does not unwrap'));
    },
  };
}

export type KekSource = 'file' | 'env' | 'passphrase';

export interface KekSettings {
  source: KekSource;
  /** The key file (source file); default `<dataDir>/keys/kek.key`. */
  file?: string;
}

/** Where a KEK comes from, and whether a missing file or salt may be made (only while no data key exists). */
export interface KekLocation {
  dataDir: string;
  settings: KekSettings;
  env: NodeJS.ProcessEnv;
  mayCreate: boolean;
  /** The variables read for source env and passphrase (BASTION_NEW_KEK… for the new KEK of a rotation). */
  envName?: string;
  passphraseName?: string;
}

export async function openKek(location: KekLocation): Promise<KeyEncryptionKey> {
  const { settings } = location;
  if (settings.source === 'env') return localKek(fromEnvironment(location.env, location.envName ?? 'BASTION_KEK'));
  if (settings.source === 'passphrase') return localKek(await fromPassphrase(location));
  return localKek(fromFile(settings.file ?? join(location.dataDir, 'keys', KEK_FILE), location.mayCreate));
}

function fromEnvironment(env: NodeJS.ProcessEnv, name: string): Buffer {
  const value = env[name];
  if (value === undefined || value === '')
    throw new ConfigError(`crypto.kek.source is "env" but ${name} is not set: set it to the base64 of 32 random bytes`);
  const key = Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) throw new ConfigError(`${name} must be the base64 of exactly 32 bytes`);
  return key;
}

function fromFile(file: string, mayCreate: boolean): Buffer {
  if (!existsSync(file)) {
    if (!mayCreate)
      throw new ConfigError(
        `The key-encryption key ${file} is missing, but the database holds data keys wrapped by one: ` +
          'copy it from an instance that serves this database or from its escrow copy (see OPERATIONS.md)',
      );
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

async function fromPassphrase(location: KekLocation): Promise<Buffer> {
  const name = location.passphraseName ?? 'BASTION_KEK_PASSPHRASE';
  const passphrase = location.env[name];
  if (passphrase === undefined || passphrase.length < 12)
    throw new ConfigError(`crypto.kek.source is "passphrase" but ${name} is unset or shorter than 12 characters`);
  const saltFile = join(location.dataDir, 'keys', KEK_SALT_FILE);
  if (!existsSync(saltFile)) {
    if (!location.mayCreate)
      throw new ConfigError(`${saltFile} is missing: copy it from an instance that serves this database`);
    mkdirSync(dirname(saltFile), { recursive: true, mode: 0o700 });
    writeFileSync(saltFile, randomBytes(16).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  const salt = Buffer.from(readFileSync(saltFile, 'utf8').trim(), 'base64');
  return hashRaw(passphrase, { ...PASSPHRASE_OPTIONS, salt });
}
