import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

/**
 * AES-256-GCM, the one cipher of the keyring: for fields under data keys and for data keys under the
 * key-encryption key. A 12-byte random IV per message; the 16-byte tag is appended to the ciphertext.
 */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  iv: Buffer;
  /** Ciphertext followed by the tag. */
  body: Buffer;
}

/**
 * IVs come from a pool filled by the CSPRNG 4096 at a time: one randomBytes call per value cost more than the
 * encryption itself. Each IV is copied out and the pool is never reused, so IVs stay random and unrepeated.
 */
const ivPool = Buffer.alloc(IV_BYTES * 4096);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset >= ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

export function encrypt(key: Buffer, plain: Buffer, aad: Buffer): Sealed {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { iv, body };
}

/** The plain text, or undefined when the tag does not verify (wrong key, other AAD, any changed byte). */
export function decrypt(key: Buffer, sealed: Sealed, aad: Buffer): Buffer | undefined {
  if (sealed.iv.length !== IV_BYTES || sealed.body.length < TAG_BYTES) return undefined;
  const cut = sealed.body.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv).setAAD(aad);
    decipher.setAuthTag(sealed.body.subarray(cut));
    return Buffer.concat([decipher.update(sealed.body.subarray(0, cut)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** IV and body in one buffer (wrapped data keys). */
export const packed = (sealed: Sealed) => Buffer.concat([sealed.iv, sealed.body]);
export const unpacked = (bytes: Buffer): Sealed => ({
  iv: bytes.subarray(0, IV_BYTES),
  body: bytes.subarray(IV_BYTES),
});

/** A key check value: names a key without revealing it (HMAC of a fixed label under the key). */
export function keyCheckValue(key: Buffer, label: string): string {
  return createHmac('sha256', key).update(label).digest('hex').slice(0, 32);
}
