import type { FieldRef } from '../../kernel/privacy/cipher.js';
import type { Sealed } from './aead.js';

/**
 * The stored form of a sealed field: `f1.<key id>.<iv>.<ciphertext+tag>` (base64url). The prefix versions the
 * format; the key id says which data key (and so which version) opens it, so old versions keep decrypting.
 */
const PREFIX = 'f1';

export interface SealedValue extends Sealed {
  keyId: string;
}

export function formatSealed(keyId: string, sealed: Sealed): string {
  return [PREFIX, keyId, sealed.iv.toString('base64url'), sealed.body.toString('base64url')].join('.');
}

export function parseSealed(stored: string): SealedValue | undefined {
  const parts = stored.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return undefined;
  const [, keyId, iv, body] = parts as [string, string, string, string];
  if (keyId === '' || iv === '' || body === '') return undefined;
  return { keyId, iv: Buffer.from(iv, 'base64url'), body: Buffer.from(body, 'base64url') };
}

/** What a LIKE pattern matches for every value sealed under one key (key ids are UUIDs: no wildcard in them). */
export const sealedUnderPattern = (keyId: string) => `${PREFIX}.${keyId}.%`;

/** The additional data of a field: table, column and row, so a ciphertext moved anywhere else does not open. */
export const fieldAad = (field: FieldRef) => Buffer.from(`${field.table}\0${field.column}\0${field.row}`, 'utf8');

/** The additional data of a wrapped data key: its id, purpose and subject. */
export const keyAad = (id: string, purpose: string, subject: string) =>
  Buffer.from(`bastion-dek\0${id}\0${purpose}\0${subject}`, 'utf8');
