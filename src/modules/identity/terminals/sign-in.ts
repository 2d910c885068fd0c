import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { AppError, AuthenticationError, RateLimitedError } from '../../../kernel/errors.js';
import { CommandRefusal, type CommandContext } from '../../../kernel/pipeline/types.js';
import { openSession } from '../commands/session.js';
import { defineCommand, type Database } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { decoyHash, verifyPassword } from '../passwords.js';
import type { AddressThrottle } from '../throttle.js';
import { loginResult } from '../views.js';
import { BADGE_INDEX, badgeSchema, liveTerminal, normaliseBadge, pinSchema } from './store.js';

/** One answer for every refusal, so a guesser learns nothing of which badges exist or which are locked. */
const refused = () =>
  new AuthenticationError(
    'Badge or PIN is wrong, or this badge cannot sign in now. Try again later or ask a supervisor.',
  );

function refuse(ctx: CommandContext, reason: string, details: Record<string, unknown> = {}) {
  ctx.note({ refusal: reason, ...details });
  return new CommandRefusal(refused());
}

/** The throttles badge sign-in shares: per source address (with password login) and per terminal. */
export interface SignInThrottles {
  address: AddressThrottle;
  terminal: AddressThrottle;
}

/** Counts a wrong PIN in the database (parallel guesses each count); at the limit the badge locks for a while. */
async function wrongPin(ctx: CommandContext<Database>, deps: IdentityDeps, userId: string, terminalId: string) {
  const db: Kysely<Database> = ctx.tx;
  await db
    .updateTable('user_badges')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('user_id', '=', userId)
    .execute();
  const { failures } = await db
    .selectFrom('user_badges')
    .select('failures')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const { lockoutThreshold, lockoutMinutes } = deps.config.identity;
  const locked = Number(failures) >= lockoutThreshold;
  if (locked) {
    await db
      .updateTable('user_badges')
      .set({ locked_until: ctx.now + lockoutMinutes * 60_000, failures: 0 })
      .where('user_id', '=', userId)
      .execute();
    ctx.emit('security.badge-locked', { userId, terminalId, failures: Number(failures) });
  }
  return refuse(ctx, 'wrong_pin', { failures: Number(failures), badgeLocked: locked });
}

/**
 * Badge and PIN at an enrolled terminal open a session like a password login does, but bound to the terminal:
 * confined to its line and with the terminal's short idle timeout (see sessions.ts). The route reads the
 * terminal's secret from its cookie; neither badge nor PIN is ever stored or audited in clear.
 */
export const signInCommand = (deps: IdentityDeps, throttles: SignInThrottles) =>
  defineCommand({
    name: 'identity.terminal.sign-in',
    summary: 'Sign in with badge and PIN at an enrolled terminal',
    input: Type.Object(
      { terminalSecret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }), badge: badgeSchema, pin: pinSchema },
      { additionalProperties: false },
    ),
    output: loginResult,
    errors: ['unauthenticated', 'rate_limited', 'terminal_unknown'],
    permission: 'identity.terminal.sign-in',
    async handler(ctx, input) {
      const address = ctx.origin.address;
      const terminal = await liveTerminal(ctx.tx, input.terminalSecret);
      if (!terminal) throw new AppError('terminal_unknown', 404, 'This browser is not an enrolled terminal.');
      ctx.note({ terminalId: terminal.id, line: terminal.line });
      if (throttles.address.blocked(address, ctx.now) || throttles.terminal.blocked(terminal.id, ctx.now)) {
        ctx.note({ refusal: 'throttled' });
        return new CommandRefusal(new RateLimitedError('Too many failed sign-ins here; try again in a few minutes.'));
      }
      const badge = await ctx.tx
        .selectFrom('user_badges')
        .selectAll()
        .where('badge_index', '=', deps.secrets.index(normaliseBadge(input.badge), BADGE_INDEX))
        .executeTakeFirst();
      const valid = await verifyPassword(badge?.pin_hash ?? (await decoyHash()), input.pin);
      if (!valid) {
        throttles.address.fail(address, ctx.now);
        throttles.terminal.fail(terminal.id, ctx.now);
      }
      if (!badge) return refuse(ctx, 'unknown_badge');
      ctx.setTarget({ type: 'user', id: badge.user_id });
      if (badge.locked_until !== null && badge.locked_until > ctx.now) return refuse(ctx, 'badge_locked');
      const user = await ctx.tx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', badge.user_id)
        .executeTakeFirstOrThrow();
      if (user.disabled === 1) return refuse(ctx, 'account_disabled');
      if (user.expires_at !== null && user.expires_at <= ctx.now) return refuse(ctx, 'account_expired');
      if (user.locked_until !== null && user.locked_until > ctx.now) return refuse(ctx, 'account_locked');
      if (!valid) return wrongPin(ctx, deps, user.id, terminal.id);
      await ctx.tx
        .updateTable('user_badges')
        .set({ failures: 0, locked_until: null })
        .where('user_id', '=', user.id)
        .execute();
      await ctx.tx.updateTable('terminals').set({ last_seen_at: ctx.now }).where('id', '=', terminal.id).execute();
      const session = await openSession(ctx, user, deps, terminal.id);
      ctx.note({ mfa: 'verified' });
      return {
        ...session,
        expiresAt: new Date(session.expiresAt).toISOString(),
        mustChangePassword: false,
        mfa: 'verified' as const,
      };
    },
  });
