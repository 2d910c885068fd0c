import type { Kysely } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import { AuthenticationError } from '../../kernel/errors.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { Database } from './db.js';
import { builtInRole } from './roles.js';
import { grantsOf } from './sessions.js';
import { sessionsChanged } from './session-cache/changes.js';
import type { UserRow } from './users-store.js';

/** Accounts whose every role is a shop-floor role are throttled and alarmed, never locked (NIST SP 800-82). */
export async function lockoutPolicy(db: ReadDb<Database>, userId: string, now: number): Promise<'lock' | 'throttle'> {
  const grants = await grantsOf(db, userId, now);
  const throttleOnly = grants.length > 0 && grants.every((g) => builtInRole(g.role)?.lockout === 'throttle');
  return throttleOnly ? 'throttle' : 'lock';
}

/** What was wrong: the password at login, a second-factor code, or the current password in a live session. */
export type Factor = 'password' | 'second-factor' | 'current-password';

const alarms: Record<Factor, string> = {
  password: 'security.login-failures',
  'second-factor': 'security.mfa-failures',
  'current-password': 'security.password-change-failures',
};

/**
 * One wrong proof of identity. Wrong passwords, wrong second-factor codes and a wrong current password all
 * count toward the same lockout, and only a completed login (password and, when enrolled, second factor),
 * an unlock or a reset clears the count: a correct password alone no longer does, so codes cannot be guessed
 * without end. At the limit the account is locked (or, shop-floor only, alarmed) and a session used for the
 * guess ends.
 */
export async function countFailure(
  ctx: CommandContext<Database>,
  user: UserRow,
  config: BastionConfig,
  factor: Factor,
) {
  const failed = await increment(ctx.tx, user.id);
  const { lockoutThreshold, lockoutMinutes } = config.identity;
  const policy = await lockoutPolicy(ctx.tx, user.id, ctx.now);
  const atLimit = failed >= lockoutThreshold;
  const locked = atLimit && policy === 'lock';
  if (locked)
    await ctx.tx
      .updateTable('users')
      .set({ locked_until: ctx.now + lockoutMinutes * 60_000 })
      .where('id', '=', user.id)
      .execute();
  const sessionEnded = atLimit && factor !== 'password' && ctx.actor.sessionId !== undefined;
  if (sessionEnded) {
    await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.now }).where('id', '=', ctx.actor.sessionId!).execute();
    await sessionsChanged(ctx);
  }
  if (atLimit)
    ctx.emit(locked ? 'security.account-locked' : alarms[factor], {
      userId: user.id,
      failedLogins: failed,
      policy,
      factor,
    });
  ctx.note({ refusal: `wrong_${factor.replace('-', '_')}`, failedLogins: failed, locked, policy, sessionEnded });
  return { failed, locked, policy };
}

/**
 * Adds one failure in the database, not from the row read earlier: guesses sent in parallel each count (on
 * PostgreSQL the row lock makes the second writer add to the first one's committed count).
 */
async function increment(db: Kysely<Database>, userId: string): Promise<number> {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .execute();
  const row = await db.selectFrom('users').select('failed_logins').where('id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.failed_logins);
}

/** A locked account cannot finish a login either: its second factor is refused until the lock ends. */
export function assertNotLocked(user: UserRow, now: number): void {
  if (user.locked_until !== null && user.locked_until > now)
    throw new AuthenticationError('The account is locked after repeated failures; ask an account manager.');
}
