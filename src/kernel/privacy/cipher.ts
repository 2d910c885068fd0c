import type { Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { AnyTables } from '../store.js';

/**
 * The field cipher port: restricted columns are stored as AES-256-GCM ciphertexts whose additional data binds
 * table, column and row, so a value copied to another row or column does not open. Implemented by the crypto
 * module's keyring (data keys wrapped by a key-encryption key); the pipeline and every module get it injected.
 */
export interface FieldRef {
  table: string;
  column: string;
  /** The row's key (its id; several key columns joined by '/'). */
  row: string;
}

export interface KeyChoice {
  purpose: string;
  /** A data subject (a user id): the value is sealed under that person's own key, shredded when they are erased. */
  subject?: string;
}

/** Why a sealed value did not open. `shredded`: its key was destroyed on purpose (erasure, disposal). */
export type UnreadableReason = 'shredded' | 'tampered' | 'unknown-key' | 'not-sealed';

/** A 500 with a stable code: the client learns that stored data is unreadable, the log learns which field. */
export class FieldUnreadableError extends AppError {
  constructor(
    readonly reason: UnreadableReason,
    readonly field: FieldRef,
  ) {
    super(
      'field_unreadable',
      500,
      `A stored value cannot be decrypted (${reason}); the field is named in the server log.`,
      undefined,
      { cause: `${field.table}.${field.column} of row ${field.row}` },
    );
    this.name = 'FieldUnreadableError';
  }
}

export interface FieldCipher {
  /**
   * Seals `plain` for one field of one row. `tx` is the command's transaction: a subject seen for the first
   * time gets a new key written in it, so the key and the value commit together.
   */
  seal(tx: Kysely<AnyTables>, plain: string, field: FieldRef, key: KeyChoice): Promise<string>;
  /**
   * Opens a sealed value; throws FieldUnreadableError when it cannot (never returns a wrong value). Inside a
   * transaction pass it as `tx`: a key not yet in memory is then read through it (SQLite has one connection).
   */
  open(sealed: string, field: FieldRef, tx?: Kysely<AnyTables>): Promise<string>;
  /** Whether a stored value has the sealed form (a column not yet migrated may still hold clear text). */
  isSealed(stored: string): boolean;
  /** A keyed blind index (HMAC, hex) for equality lookups on a sealed field; equal values give equal indexes. */
  blindIndex(value: string, purpose: string): string;
  /** Destroys every key of a data subject in the caller's transaction: what they sealed becomes unreadable. */
  shred(tx: Kysely<AnyTables>, subject: string, at: number): Promise<number>;
}

/** A pipeline without a keyring (kernel unit tests): any use of restricted fields fails loudly. */
export const NO_CIPHER: FieldCipher = {
  seal: () => Promise.reject(new Error('No field cipher is configured for this pipeline')),
  open: () => Promise.reject(new Error('No field cipher is configured for this pipeline')),
  isSealed: () => false,
  blindIndex: () => {
    throw new Error('No field cipher is configured for this pipeline');
  },
  shred: () => Promise.reject(new Error('No field cipher is configured for this pipeline')),
};
