import { CommandRefusal } from '../../../kernel/pipeline/types.js';
import { Type } from '@sinclair/typebox';
import { AuthenticationError, ConflictError, ValidationError } from '../../../kernel/errors.js';
import { defineCommand } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { countFailure } from '../lockout.js';
import { generateOneTimePassword, hashPassword, passwordProblems, verifyPassword } from '../passwords.js';
import { isoTime, newPassword, password, username } from '../schemas.js';
import { oneTimePasswordResult, userResult, userView } from '../views.js';
import { insertAccount, publicUser, revokeSessions, userById } from '../users-store.js';
import { accountCommand } from './account-command.js';
import { sessionsChanged } from '../session-cache/changes.js';
import { openAccount } from '../personal-data.js';
import type { AccountAct } from './escalation.js';

/** Vendor and contractor access always ends by itself, within 90 days at most. */
export const MAX_VENDOR_DAYS = 90;

const parseExpiry = (text: string | undefined, now: number): number | null => {
  if (text === undefined) return null;
  const at = Date.parse(text);
  if (at <= now)
    throw new ValidationError('The expiry must lie in the future.', [
      { path: '/expiresAt', message: 'must lie in the future' },
    ]);
  return at;
};

/** Creates an account with a one-time password (shown once, changed at first login). IDs are never reused. */
export const createUser = defineCommand({
  name: 'identity.user.create',
  summary: 'Create an account',
  input: Type.Object(
    {
      username,
      displayName: Type.String({ minLength: 1, maxLength: 200 }),
      kind: Type.Optional(Type.Union([Type.Literal('human'), Type.Literal('service'), Type.Literal('device')])),
      vendor: Type.Optional(Type.Boolean()),
      expiresAt: Type.Optional(isoTime),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ user: userView, oneTimePassword: Type.String() }, { additionalProperties: false }),
  errors: ['validation_failed', 'username_taken'],
  permission: 'identity.users.manage',
  http: { method: 'POST', url: '/api/users' },
  async handler(ctx, input) {
    const expiresAt = parseExpiry(input.expiresAt, ctx.now);
    if (input.vendor && (expiresAt === null || expiresAt > ctx.now + MAX_VENDOR_DAYS * 86_400_000)) {
      throw new ValidationError(`A vendor account needs an expiry within ${MAX_VENDOR_DAYS} days.`, [
        { path: '/expiresAt', message: `required for vendors, at most ${MAX_VENDOR_DAYS} days ahead` },
      ]);
    }
    const taken = await ctx.tx
      .selectFrom('users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (taken) throw new ConflictError(`The user name ${input.username} is taken.`, 'username_taken');
    const { id, oneTimePassword } = await insertAccount(ctx.tx, ctx.cipher, {
      username: input.username,
      display_name: input.displayName,
      kind: input.kind ?? 'human',
      vendor: input.vendor ? 1 : 0,
      expires_at: expiresAt,
      created_at: ctx.now,
      created_by: ctx.actor.id,
    });
    ctx.setTarget({ type: 'user', id });
    ctx.note({ kind: input.kind ?? 'human', vendor: input.vendor ?? false, expiresAt: input.expiresAt ?? null });
    return { user: publicUser(await openAccount(ctx.cipher, await userById(ctx.tx, id))), oneTimePassword };
  },
});

/** A change an account manager makes to another account (see escalation.ts for who may make it). */
const accountChange = (
  path: string,
  name: string,
  summary: string,
  act: AccountAct,
  apply: (now: number) => Record<string, unknown>,
  endSessions: boolean,
) => {
  const command = (deps: IdentityDeps) =>
    accountCommand(deps.permissions, {
      name,
      summary,
      act,
      path,
      output: userResult,
      async run(ctx, input) {
        const before = await openAccount(ctx.cipher, await userById(ctx.tx, input.userId));
        await ctx.tx.updateTable('users').set(apply(ctx.now)).where('id', '=', input.userId).execute();
        const ended = endSessions ? await revokeSessions(ctx.tx, input.userId, ctx.now) : 0;
        await sessionsChanged(ctx);
        const after = await openAccount(ctx.cipher, await userById(ctx.tx, input.userId));
        ctx.setTarget({ type: 'user', id: input.userId });
        ctx.recordChange(publicUser(before), publicUser(after));
        if (ended !== 0) ctx.note({ endedSessions: ended });
        return { user: publicUser(after) };
      },
    });
  return command;
};

const manage = (what: string, notOnSelf = false): AccountAct => ({
  what,
  permission: 'identity.users.manage',
  notOnSelf,
});

export const disableUser = accountChange(
  'disable',
  'identity.user.disable',
  'Disable an account and end its sessions',
  manage('disable'),
  () => ({ disabled: 1 }),
  true,
);
export const enableUser = accountChange(
  'enable',
  'identity.user.enable',
  'Enable a disabled account',
  manage('enable'),
  () => ({ disabled: 0 }),
  false,
);
// Never one's own: the lockout counts failures in one's own sessions too (see lockout.ts).
export const unlockUser = accountChange(
  'unlock',
  'identity.user.unlock',
  'Unlock an account locked by failed logins',
  manage('unlock', true),
  () => ({ locked_until: null, failed_logins: 0 }),
  false,
);
export const expireUser = accountChange(
  'expire',
  'identity.user.expire',
  'Expire an account now and end its sessions',
  manage('expire'),
  (now) => ({ expires_at: now }),
  true,
);

const resetting = manage('reset the password of', true);

/** A new one-time password (shown once), sessions ended, the second factor kept. Never one's own. */
export const resetPasswordCommand = (deps: IdentityDeps) =>
  accountCommand(deps.permissions, {
    name: 'identity.user.reset',
    summary:
      "Reset another account's password to a new one-time password (an administrator's: a second administrator approves)",
    act: resetting,
    path: 'reset',
    output: oneTimePasswordResult,
    async run(ctx, input) {
      const oneTimePassword = generateOneTimePassword();
      await ctx.tx
        .updateTable('users')
        .set({
          password_hash: await hashPassword(oneTimePassword),
          must_change_password: 1,
          failed_logins: 0,
          locked_until: null,
        })
        .where('id', '=', input.userId)
        .execute();
      const ended = await revokeSessions(ctx.tx, input.userId, ctx.now);
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ endedSessions: ended });
      return { oneTimePassword };
    },
  });

/**
 * Changes one's own password: the current one is required, and a wrong one counts toward the lockout like a
 * wrong login (a stolen session must not become a way to guess the password); other sessions end.
 */
export const changePasswordCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.change-password',
    summary: "Change one's own password",
    input: Type.Object({ currentPassword: password, newPassword }, { additionalProperties: false }),
    output: Type.Object({ changed: Type.Boolean() }, { additionalProperties: false }),
    errors: ['not_found', 'unauthenticated', 'validation_failed'],
    permission: 'identity.password.change',
    http: { method: 'POST', url: '/api/auth/password' },
    async handler(ctx, input) {
      const user = await userById(ctx.tx, ctx.actor.id);
      ctx.setTarget({ type: 'user', id: user.id });
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        await countFailure(ctx, user, deps.config, 'current-password');
        return new CommandRefusal(new AuthenticationError('The current password is wrong.'));
      }
      const problems = passwordProblems(input.newPassword, user.username);
      if (input.newPassword === input.currentPassword)
        problems.push({ path: '/newPassword', message: 'must differ from the current password' });
      if (problems.length > 0) throw new ValidationError(`The new password ${problems[0]!.message}.`, problems);
      await ctx.tx
        .updateTable('users')
        .set({
          password_hash: await hashPassword(input.newPassword),
          must_change_password: 0,
          password_changed_at: ctx.now,
        })
        .where('id', '=', user.id)
        .execute();
      const ended = await revokeSessions(ctx.tx, user.id, ctx.now, ctx.actor.sessionId);
      await sessionsChanged(ctx);
      ctx.note({ endedSessions: ended });
      return { changed: true };
    },
  });
