import { createHash, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export function sha256(...parts: (Buffer | string)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function sha256Hex(...parts: (Buffer | string)[]): string {
  return sha256(...parts).toString('hex');
}

/** Digest of a value's canonical (RFC 8785) JSON form: equal values give equal digests on every machine. */
export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Constant-time comparison, so that secrets and MACs do not leak through timing. */
export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
