import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets Bastion must read back (TOTP seeds) are sealed with AES-256-GCM under a key kept outside the
 * database (data/keys/identity-secrets.key, 0600). The record's purpose and owner are bound in as associated
 * data, so a sealed value copied to another row or field does not open. The crypto issue moves this key
 * under the key-encryption key.
 */
export const SECRETS_KEY_FILE = 'identity-secrets.key';

export interface SecretBox {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
  /**
   * A blind index: an HMAC of a value (a badge number) under a key derived from the secrets key, so the value
   * can be looked up without being stored or readable. Hex; equal values give equal indexes per purpose.
   */
  index(value: string, purpose: string): string;
}

export function createSecretsKey(dataDir: string): boolean {
  const file = join(dataDir, 'keys', SECRETS_KEY_FILE);
  if (existsSync(file)) return false;
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return true;
}

function readSecretsKey(dataDir: string): Buffer {
  const key = Buffer.from(readFileSync(join(dataDir, 'keys', SECRETS_KEY_FILE), 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error('the identity secrets key must be 32 bytes');
  return key;
}

/**
 * Names the key without revealing it: an HMAC under the key of a fixed label (a key check value). Every
 * instance on one database must hold the same key, or second factors enrolled on one fail on the others.
 */
export function secretsKeyFingerprint(dataDir: string): string {
  const check = createHmac('sha256', readSecretsKey(dataDir)).update('bastion identity secrets key check v1');
  return `hmac-sha256:${check.digest('hex')}`;
}

export function loadSecretBox(dataDir: string): SecretBox {
  const key = readSecretsKey(dataDir);
  // A separate key for indexes: the sealing key is never used for two algorithms.
  const indexKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'bastion identity blind index v1', 32));
  return {
    index(value, purpose) {
      return createHmac('sha256', indexKey).update(`${purpose}\0${value}`).digest('hex');
    },
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        sealed.toString('base64url'),
      ].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, data] = sealed.split('.');
      if (
        version !== 'v1' ||
        iv === undefined ||
        iv === '' ||
        tag === undefined ||
        tag === '' ||
        data === undefined ||
        data === ''
      )
        throw new Error('unknown sealed secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
