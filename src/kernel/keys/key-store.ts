import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/load.js';
import { sha256Hex } from '../digest.js';

/**
 * The one store of signing keys (audit checkpoints, recipe seals, and the keyring data protection will add):
 * Ed25519 private keys as PKCS#8 PEM files, one per name, in one directory. A key is made once (0600, never
 * overwritten) and only where the caller decides (app/keys.ts checks them against the database first).
 */

/** A loaded signing key. One method signs, so a KMS or HSM can stand in for the key file later. */
export interface SigningKey {
  /** A short, stable name for the key (see keyIdOf). */
  readonly keyId: string;
  /** Public, so safe in the database and logs (see fingerprintOf). */
  readonly fingerprint: string;
  readonly publicKey: KeyObject;
  sign(data: Buffer): Buffer;
}

/** A key file that exists but cannot be used: a configuration problem of the data directory (exit 3). */
export class KeyFileError extends ConfigError {}

export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

/** The first 16 hex digits of SHA-256 over the public key's SPKI DER form: the key id in checkpoints and seals. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(spki(publicKey)).slice(0, 16);
}

/** SHA-256 over the public key's SPKI DER form, named by algorithm: what instance_keys records. */
export function fingerprintOf(publicKey: KeyObject): string {
  return `ed25519-sha256:${sha256Hex(spki(publicKey))}`;
}

export function loadPublicKey(file: string): KeyObject {
  return createPublicKey(readFileSync(file));
}

/** False, never an exception, for a signature that is malformed or made by another key. */
export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

export class KeyStore {
  constructor(readonly dir: string) {}

  /** The store of a data directory: `<dataDir>/keys`. */
  static of(dataDir: string): KeyStore {
    return new KeyStore(keysDir(dataDir));
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  has(name: string): boolean {
    return existsSync(this.file(name));
  }

  /** Makes the Ed25519 key `name` unless it exists; returns whether it was made. The file is 0600, the directory 0700. */
  create(name: string): boolean {
    if (this.has(name)) return false;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': a key another process wrote meanwhile is never overwritten (the write fails instead).
    writeFileSync(this.file(name), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return true;
  }

  /** Loads the key `name`; a missing, unreadable or non-Ed25519 file is refused with an error naming it. */
  load(name: string): SigningKey {
    const file = this.file(name);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(readFileSync(file));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is not a PEM private key';
      throw new KeyFileError(`Key file ${file} ${reason}: restore it from a copy of this data directory's keys`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new KeyFileError(
        `Key file ${file} holds a key of type ${privateKey.asymmetricKeyType}, not an Ed25519 key`,
      );
    const publicKey = createPublicKey(privateKey);
    return {
      keyId: keyIdOf(publicKey),
      fingerprint: fingerprintOf(publicKey),
      publicKey,
      sign: (data) => sign(null, data, privateKey),
    };
  }

  /** Writes the public half of `name` as SPKI PEM (0644) to `file` in this directory; never overwrites. */
  exportPublicKey(name: string, file: string): string {
    const target = this.file(file);
    writeFileSync(target, this.load(name).publicKey.export({ type: 'spki', format: 'pem' }), {
      mode: 0o644,
      flag: 'wx',
    });
    return target;
  }
}

function spki(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}
