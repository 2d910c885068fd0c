import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../kernel/digest.js';

/** Signs checkpoints. One method, so a KMS or HSM can stand in for the key file later. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(data: Buffer): Buffer;
}

export const SIGNING_KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub.pem';

export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 over its SPKI DER form. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** Creates the Ed25519 checkpoint key pair once; the private key file is 0600 and never overwritten. */
export function createSigningKey(dataDir: string): { created: boolean; publicKeyFile: string } {
  const dir = keysDir(dataDir);
  const privateFile = join(dir, SIGNING_KEY_FILE);
  const publicKeyFile = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateFile)) return { created: false, publicKeyFile };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { created: true, publicKeyFile };
}

export function loadSigner(dataDir: string): CheckpointSigner {
  const privateKey = createPrivateKey(readFileSync(join(keysDir(dataDir), SIGNING_KEY_FILE)));
  const keyId = keyIdOf(createPublicKey(privateKey));
  return { keyId, sign: (data) => sign(null, data, privateKey) };
}

export function loadPublicKey(file: string): KeyObject {
  return createPublicKey(readFileSync(file));
}

export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}
