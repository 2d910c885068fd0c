import { CommandRefusal } from '../../../kernel/pipeline/types.js';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { csrfTokenOf, SESSION_COOKIE } from '../../../http/index.js';
import { AuthenticationError, NotFoundError, RateLimitedError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { type CommandContext } from '../../../kernel/pipeline/types.js';
import { defineCommand, type Database } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { decoyHash, hashPassword, needsRehash, newToken, verifyPassword } from '../passwords.js';
import { idParams, password, username } from '../schemas.js';
import { ended as endedResult, loginResult } from '../views.js';
import { grantsOf, hashToken, mfaRequired } from '../sessions.js';
import { countFailure } from '../lockout.js';
import type { AddressThrottle } from '../throttle.js';
import { revokeSessions, type UserRow } from '../users-store.js';
import { accountCommand } from './account-command.js';
import type { AccountAct } from './escalation.js';
import { sessionsChanged, sessionTouched } from '../session-cache/changes.js';

const wrongCredentials = () =>
  new AuthenticationError('User name or password is wrong, or the account cannot log in now.');

function refuse(ctx: CommandContext, reason: string, details: Record<string, unknown> = {}) {
  ctx.note({ refusal: reason, ...details });
  return new CommandRefusal(wrongCredentials());
}

async function recordWrongPassword(ctx: CommandContext<Database>, user: UserRow, deps: IdentityDeps) {
  await countFailure(ctx, user, deps.config, 'password');
  return new CommandRefusal(wrongCredentials());
}

/** Opens a session for `user`; one opened by badge at a terminal records the terminal and its second factor. */
export async function openSession(
  ctx: CommandContext<Database>,
  user: UserRow,
  deps: IdentityDeps,
  terminalId?: string,
) {
  const { absoluteHours, maxPerAccount } = deps.config.session;
  const live = await ctx.tx
    .selectFrom('sessions')
    .select(['id'])
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', ctx.now)
    .orderBy('created_at')
    .execute();
  const ended = live.slice(0, Math.max(0, live.length - maxPerAccount + 1)).map((s) => s.id);
  if (ended.length > 0) {
    await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.now }).where('id', 'in', ended).execute();
    await sessionsChanged(ctx);
  }
  const token = newToken();
  const csrfToken = csrfTokenOf(token);
  const sessionId = newId();
  const expiresAt = ctx.now + absoluteHours * 3_600_000;
  await ctx.tx
    .insertInto('sessions')
    .values({
      id: sessionId,
      token_hash: hashToken(token),
      csrf_hash: hashToken(csrfToken),
      user_id: user.id,
      created_at: ctx.now,
      last_seen_at: ctx.now,
      expires_at: expiresAt,
      revoked_at: null,
      mfa_verified_at: terminalId !== undefined ? ctx.now : null,
      signed_at: null,
      signature_failures: 0,
      terminal_id: terminalId ?? null,
    })
    .execute();
  ctx.note({ sessionId, endedSessions: ended });
  return { token, csrfToken, sessionId, expiresAt };
}

const cookie = (value: string, maxAgeSeconds: number) =>
  `${SESSION_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;

/** A browser login carries its session in a cookie as well as in the body (for API clients). */
export function setSessionCookie(result: unknown, reply: FastifyReply, maxAgeSeconds: number): void {
  const { token } = result as { token?: string };
  if (token !== undefined && token !== '') reply.header('set-cookie', cookie(token, maxAgeSeconds));
}

/** Login: argon2id check (a decoy hash for unknown names), lockout or throttling, session limit, rehash. */
export const loginCommand = (deps: IdentityDeps, throttle: AddressThrottle) =>
  defineCommand({
    name: 'identity.login',
    summary: 'Log in and open a session',
    input: Type.Object({ username, password }, { additionalProperties: false }),
    output: loginResult,
    errors: ['unauthenticated', 'rate_limited'],
    permission: 'identity.session.create',
    http: {
      method: 'POST',
      url: '/api/auth/login',
      onResult: (result, reply) => setSessionCookie(result, reply, deps.config.session.absoluteHours * 3600),
    },
    async handler(ctx, input) {
      const address = ctx.origin.address;
      if (throttle.blocked(address, ctx.now)) {
        ctx.note({ refusal: 'address_throttled' });
        return new CommandRefusal(new RateLimitedError('Too many failed logins from this address; try again later.'));
      }
      const user = await ctx.tx
        .selectFrom('users')
        .selectAll()
        .where('username', '=', input.username)
        .executeTakeFirst();
      const valid = await verifyPassword(user?.password_hash ?? (await decoyHash()), input.password);
      if (!valid) throttle.fail(address, ctx.now);
      if (!user) return refuse(ctx, 'unknown_account');
      ctx.setTarget({ type: 'user', id: user.id });
      if (user.disabled === 1) return refuse(ctx, 'account_disabled');
      if (user.expires_at !== null && user.expires_at <= ctx.now) return refuse(ctx, 'account_expired');
      if (user.locked_until !== null && user.locked_until > ctx.now) return refuse(ctx, 'account_locked');
      if (!valid) return recordWrongPassword(ctx, user, deps);
      const rehash = needsRehash(user.password_hash) ? await hashPassword(input.password) : user.password_hash;
      // With a second factor enrolled the login is not complete yet: failures are cleared once it is verified.
      const complete = user.totp_enabled !== 1;
      await ctx.tx
        .updateTable('users')
        .set({ ...(complete ? { failed_logins: 0 } : {}), locked_until: null, password_hash: rehash })
        .where('id', '=', user.id)
        .execute();
      const session = await openSession(ctx, user, deps);
      const grants = await grantsOf(ctx.tx, user.id, ctx.now);
      const mfa: 'pending' | 'enrolment-required' | 'not-required' =
        user.totp_enabled === 1
          ? 'pending'
          : mfaRequired(grants, user.vendor === 1)
            ? 'enrolment-required'
            : 'not-required';
      // Monitoring's vendor-outside-window rule reads it: a vendor login is watched against the vendor windows.
      ctx.note({ rehashed: rehash !== user.password_hash, mfa, ...(user.vendor === 1 ? { vendor: true } : {}) });
      return {
        ...session,
        expiresAt: new Date(session.expiresAt).toISOString(),
        mustChangePassword: user.must_change_password === 1,
        mfa,
      };
    },
  });

export const logout = defineCommand({
  name: 'identity.logout',
  summary: 'End the current session',
  input: Type.Object({}, { additionalProperties: false }),
  output: endedResult,
  errors: ['validation_failed'],
  permission: 'identity.session.end',
  http: {
    method: 'POST',
    url: '/api/auth/logout',
    onResult: (_result, reply) => void reply.header('set-cookie', cookie('', 0)),
  },
  async handler(ctx) {
    if (ctx.actor.sessionId === undefined || ctx.actor.sessionId === '')
      throw new ValidationError('There is no session to end.');
    await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.now }).where('id', '=', ctx.actor.sessionId).execute();
    await sessionsChanged(ctx);
    ctx.setTarget({ type: 'session', id: ctx.actor.sessionId });
    return { ended: true };
  },
});

/** Records that a session was used; keeps the idle timeout honest across instances. */
export const touchSession = defineCommand({
  name: 'identity.session.touch',
  summary: 'Record session activity',
  input: Type.Object({ sessionId: Type.String() }, { additionalProperties: false }),
  output: Type.Object({ touched: Type.Boolean() }, { additionalProperties: false }),
  errors: [],
  permission: 'identity.session.touch',
  internal: true,
  async handler(ctx, input) {
    await ctx.tx
      .updateTable('sessions')
      .set({ last_seen_at: ctx.now })
      .where('id', '=', input.sessionId)
      .where('revoked_at', 'is', null)
      .execute();
    sessionTouched(ctx, input.sessionId);
    ctx.setTarget({ type: 'session', id: input.sessionId });
    return { touched: true };
  },
});

export const revokeOwnSession = defineCommand({
  name: 'identity.session.revoke-own',
  summary: 'End one of my other sessions',
  input: Type.Object({ sessionId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  output: endedResult,
  errors: ['not_found'],
  permission: 'identity.session.revoke-own',
  http: { method: 'DELETE', url: '/api/auth/sessions/:id', params: idParams, toInput: (p) => ({ sessionId: p.id }) },
  async handler(ctx, input) {
    const result = await ctx.tx
      .updateTable('sessions')
      .set({ revoked_at: ctx.now })
      .where('id', '=', input.sessionId)
      .where('user_id', '=', ctx.actor.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('No such live session of yours.');
    await sessionsChanged(ctx);
    ctx.setTarget({ type: 'session', id: input.sessionId });
    return { ended: true };
  },
});

const endingSessions: AccountAct = { what: 'end the sessions of', permission: 'identity.sessions.revoke' };

/** IEC 62443-3-3 SR 2.6: an administrator ends every session of an account at once. */
export const revokeUserSessionsCommand = (deps: IdentityDeps) =>
  accountCommand(deps.permissions, {
    name: 'identity.sessions.revoke',
    summary: "End all of an account's sessions (an administrator's: a second administrator approves)",
    act: endingSessions,
    path: 'sessions/revoke',
    output: Type.Object({ ended: Type.Integer() }, { additionalProperties: false }),
    async run(ctx, input) {
      const ended = await revokeSessions(ctx.tx, input.userId, ctx.now);
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ ended });
      return { ended };
    },
  });

/** Counts a failed signing; at 3 a security event, at 5 the session ends (21 CFR 11.300(d)). */
export const signatureFailed = defineCommand({
  name: 'identity.signature.failed',
  summary: 'Record a failed electronic signature',
  input: Type.Object({ sessionId: Type.String() }, { additionalProperties: false }),
  output: Type.Object({ failures: Type.Integer() }, { additionalProperties: false }),
  errors: ['not_found'],
  permission: 'identity.signature.record',
  internal: true,
  async handler(ctx, input) {
    const session = await ctx.tx
      .selectFrom('sessions')
      .select(['signature_failures', 'user_id'])
      .where('id', '=', input.sessionId)
      .executeTakeFirst();
    if (!session) throw new NotFoundError('No such session.');
    const failures = session.signature_failures + 1;
    const end = failures >= 5;
    await ctx.tx
      .updateTable('sessions')
      .set({ signature_failures: failures, ...(end ? { revoked_at: ctx.now } : {}) })
      .where('id', '=', input.sessionId)
      .execute();
    if (end) await sessionsChanged(ctx);
    ctx.setTarget({ type: 'session', id: input.sessionId });
    ctx.note({ failures, sessionEnded: end });
    if (failures >= 3)
      ctx.emit('security.signature-failures', { userId: session.user_id, sessionId: input.sessionId, failures });
    return { failures };
  },
});
