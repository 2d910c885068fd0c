import { createHash, timingSafeEqual } from 'node:crypto';

/** The fingerprint `ssh-keygen -lf` prints for a raw (wire-format) public key: `SHA256:` + unpadded base64. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Compares in constant time, so a probe learns nothing from how long a refusal takes. */
export function matchesPinned(key: Buffer, pinned: string): boolean {
  const actual = Buffer.from(fingerprintOf(key));
  const expected = Buffer.from(pinned);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
