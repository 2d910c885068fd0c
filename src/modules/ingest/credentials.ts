import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets are made by Bastion (32 random bytes), so they carry 256 bits of entropy: a fast hash
 * is enough, unlike passwords people choose, which need argon2id. Only the hash is stored.
 */
export function newDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashDeviceSecret(secret: string | Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison, so response timing tells nothing about how much of a guess was right. */
export function secretMatches(secret: string | Buffer, storedHash: string): boolean {
  const given = Buffer.from(hashDeviceSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
