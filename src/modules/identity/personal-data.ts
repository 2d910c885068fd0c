import type { Kysely } from 'kysely';
import { FieldUnreadableError, type FieldCipher } from '../../kernel/privacy/cipher.js';
import type { AnyTables } from '../../kernel/store.js';

/**
 * A person's name is personal data: stored sealed under the person's own key (purpose `personal`), so erasing
 * them (privacy module) destroys the key and the name with it, while the audit log that cites their account id
 * stays intact and verifiable.
 */
export const PERSONAL = 'personal';

/** What a name reads as once its owner's key is gone. */
export const ERASED_NAME = '(erased)';

const field = (userId: string) => ({ table: 'users', column: 'display_name', row: userId });

export function sealDisplayName(cipher: FieldCipher, tx: Kysely<AnyTables>, userId: string, name: string) {
  return cipher.seal(tx, name, field(userId), { purpose: PERSONAL, subject: userId });
}

/** The clear name of an account (a value written before encryption is returned as it is). */
export async function openDisplayName(cipher: FieldCipher, userId: string, stored: string): Promise<string> {
  if (!cipher.isSealed(stored)) return stored;
  try {
    return await cipher.open(stored, field(userId));
  } catch (error) {
    if (error instanceof FieldUnreadableError && error.reason === 'shredded') return ERASED_NAME;
    throw error;
  }
}

/** The row with its name in clear. */
export async function openAccount<R extends { id: string; display_name: string }>(cipher: FieldCipher, row: R) {
  return { ...row, display_name: await openDisplayName(cipher, row.id, row.display_name) };
}
