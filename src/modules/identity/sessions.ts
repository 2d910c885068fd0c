import { sha256Hex } from '../../kernel/digest.js';
import type { Actor } from '../../kernel/pipeline/types.js';
import type { Storage } from '../../storage/storage.js';

export const hashToken = (token: string): string => sha256Hex(token);

/** The actor a session token stands for, or undefined when it is unknown, revoked or expired. */
export async function actorForToken(storage: Storage, token: string, now: number): Promise<Actor | undefined> {
  const row = await storage.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'users.id as userId',
      'users.is_bootstrap',
      'users.must_change_password',
      'users.disabled',
      'sessions.expires_at',
      'sessions.revoked_at',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.expires_at <= now || row.disabled === 1) return undefined;
  return {
    kind: 'user',
    id: row.userId,
    sessionId: row.sessionId,
    bootstrap: row.is_bootstrap === 1,
    mustChangePassword: row.must_change_password === 1,
  };
}
