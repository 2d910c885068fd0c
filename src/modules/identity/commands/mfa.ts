import { CommandRefusal } from '../../../kernel/pipeline/types.js';
import { Type } from '@sinclair/typebox';
import { AuthenticationError, ConflictError } from '../../../kernel/errors.js';
import { sha256Hex } from '../../../kernel/digest.js';
import { newId } from '../../../kernel/ids.js';
import { type CommandContext } from '../../../kernel/pipeline/types.js';
import { defineCommand, type Database } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { assertNotLocked, countFailure } from '../lockout.js';
import { randomCode } from '../passwords.js';
import { totpCode } from '../schemas.js';
import { otpauthUri, newTotpSecret, qrSvg, totpStep } from '../totp.js';
import type { AddressThrottle } from '../throttle.js';
import { revokeSessions, userById, type UserRow } from '../users-store.js';
import { accountCommand } from './account-command.js';
import { sessionsChanged } from '../session-cache/changes.js';
import type { AccountAct } from './escalation.js';

const RECOVERY_CODES = 10;
/** 16 characters from 57 (~93 bits): far beyond guessing, so a plain SHA-256 is a safe way to store them. */
const recoveryCode = () => randomCode(16);
const hashRecoveryCode = (code: string) => sha256Hex(`bastion-recovery:${code.replace(/[\s-]/g, '')}`);
const totpContext = (id: string) => `identity.totp:${id}`;

function secretOf(deps: IdentityDeps, user: UserRow): string {
  if (user.totp_secret === null || user.totp_secret === '')
    throw new ConflictError('No authenticator is enrolled.', 'mfa_not_enrolled');
  return deps.secrets.open(user.totp_secret, totpContext(user.id));
}

/** Also where a confirmation's `totp_enabled` reaches the caches: every session of the account changes. */
async function markSessionVerified(ctx: CommandContext) {
  if (ctx.actor.sessionId !== undefined && ctx.actor.sessionId !== '')
    await ctx.tx
      .updateTable('sessions')
      .set({ mfa_verified_at: ctx.now })
      .where('id', '=', ctx.actor.sessionId)
      .execute();
  await sessionsChanged(ctx);
}

/**
 * A wrong second factor counts like a wrong password (whoever tries it already knows the password), toward the
 * same lockout; it also counts against the source address, so shop-floor accounts, throttled rather than
 * locked, cannot be guessed at without bound from one place either.
 */
async function wrongCode(ctx: CommandContext<Database>, user: UserRow, deps: IdentityDeps, throttle: AddressThrottle) {
  throttle.fail(ctx.origin.address, ctx.now);
  await countFailure(ctx, user, deps.config, 'second-factor');
  return new CommandRefusal(new AuthenticationError('The code is wrong or was already used.'));
}

export const enrolCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.mfa.enrol',
    summary: 'Start enrolling an authenticator app (TOTP, RFC 6238)',
    input: Type.Object({}, { additionalProperties: false }),
    output: Type.Object(
      { secret: Type.String(), otpauthUri: Type.String(), qrSvg: Type.String() },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'mfa_enrolled'],
    permission: 'identity.mfa.manage',
    http: { method: 'POST', url: '/api/auth/mfa/enrol' },
    async handler(ctx) {
      const user = await userById(ctx.tx, ctx.actor.id);
      if (user.totp_enabled === 1)
        throw new ConflictError('An authenticator is already enrolled; ask for a reset to replace it.', 'mfa_enrolled');
      const secret = newTotpSecret();
      await ctx.tx
        .updateTable('users')
        .set({ totp_secret: deps.secrets.seal(secret, totpContext(user.id)), totp_last_step: null })
        .where('id', '=', user.id)
        .execute();
      ctx.setTarget({ type: 'user', id: user.id });
      const uri = otpauthUri(secret, user.username);
      return { secret, otpauthUri: uri, qrSvg: await qrSvg(uri) };
    },
  });

/** Confirms enrolment with a first code; returns recovery codes, shown once and stored only as hashes. */
export const confirmCommand = (deps: IdentityDeps, throttle: AddressThrottle) =>
  defineCommand({
    name: 'identity.mfa.confirm',
    summary: 'Confirm the authenticator with a first code and receive recovery codes',
    input: Type.Object({ code: totpCode }, { additionalProperties: false }),
    output: Type.Object(
      { enrolled: Type.Boolean(), recoveryCodes: Type.Array(Type.String()) },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'mfa_enrolled', 'mfa_not_enrolled', 'unauthenticated'],
    permission: 'identity.mfa.manage',
    http: { method: 'POST', url: '/api/auth/mfa/confirm' },
    async handler(ctx, input) {
      const user = await userById(ctx.tx, ctx.actor.id);
      if (user.totp_enabled === 1) throw new ConflictError('The authenticator is already confirmed.', 'mfa_enrolled');
      assertNotLocked(user, ctx.now);
      const step = totpStep(secretOf(deps, user), input.code, ctx.now);
      if (step === undefined) return wrongCode(ctx, user, deps, throttle);
      const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
      await ctx.tx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
      await ctx.tx
        .insertInto('recovery_codes')
        .values(
          codes.map((code) => ({
            id: newId(),
            user_id: user.id,
            code_hash: hashRecoveryCode(code),
            used_at: null,
            created_at: ctx.now,
          })),
        )
        .execute();
      await ctx.tx
        .updateTable('users')
        .set({ totp_enabled: 1, totp_last_step: step, failed_logins: 0 })
        .where('id', '=', user.id)
        .execute();
      await markSessionVerified(ctx);
      ctx.setTarget({ type: 'user', id: user.id });
      return { enrolled: true, recoveryCodes: codes };
    },
  });

/** The second step of a login: a fresh TOTP code, or one unused recovery code (which is then spent). */
export const verifyCommand = (deps: IdentityDeps, throttle: AddressThrottle) =>
  defineCommand({
    name: 'identity.mfa.verify',
    summary: 'Verify the second factor for this session',
    input: Type.Union([
      Type.Object({ code: totpCode }, { additionalProperties: false }),
      Type.Object({ recoveryCode: Type.String({ minLength: 16, maxLength: 40 }) }, { additionalProperties: false }),
    ]),
    output: Type.Object({ verified: Type.Boolean() }, { additionalProperties: false }),
    errors: ['not_found', 'mfa_not_enrolled', 'unauthenticated'],
    permission: 'identity.mfa.manage',
    http: { method: 'POST', url: '/api/auth/mfa/verify' },
    async handler(ctx, input) {
      const user = await userById(ctx.tx, ctx.actor.id);
      ctx.setTarget({ type: 'user', id: user.id });
      assertNotLocked(user, ctx.now);
      if ('code' in input) {
        const step = totpStep(secretOf(deps, user), input.code, ctx.now);
        if (step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step))
          return wrongCode(ctx, user, deps, throttle);
        await ctx.tx
          .updateTable('users')
          .set({ totp_last_step: step, failed_logins: 0 })
          .where('id', '=', user.id)
          .execute();
      } else {
        const spent = await ctx.tx
          .updateTable('recovery_codes')
          .set({ used_at: ctx.now })
          .where('user_id', '=', user.id)
          .where('code_hash', '=', hashRecoveryCode(input.recoveryCode))
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (Number(spent.numUpdatedRows) === 0) return wrongCode(ctx, user, deps, throttle);
        const left = await ctx.tx
          .selectFrom('recovery_codes')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', user.id)
          .where('used_at', 'is', null)
          .executeTakeFirstOrThrow();
        await ctx.tx.updateTable('users').set({ failed_logins: 0 }).where('id', '=', user.id).execute();
        ctx.note({ method: 'recovery-code', recoveryCodesLeft: Number(left.n) });
      }
      await markSessionVerified(ctx);
      return { verified: true };
    },
  });

const resetting: AccountAct = {
  what: 'reset the authenticator of',
  permission: 'identity.users.manage',
  notOnSelf: true,
};

/**
 * For a lost authenticator: an account manager removes it; the account must enrol again; sessions end. Never
 * one's own, and an administrator's only with a second administrator (or from the console, the recovery path).
 */
export const resetMfaCommand = (deps: IdentityDeps) =>
  accountCommand(deps.permissions, {
    name: 'identity.mfa.reset',
    summary:
      "Remove another account's authenticator and recovery codes (an administrator's: a second administrator approves)",
    act: resetting,
    path: 'mfa-reset',
    output: Type.Object({ reset: Type.Boolean() }, { additionalProperties: false }),
    async run(ctx, input) {
      await ctx.tx
        .updateTable('users')
        .set({ totp_secret: null, totp_enabled: 0, totp_last_step: null })
        .where('id', '=', input.userId)
        .execute();
      await ctx.tx.deleteFrom('recovery_codes').where('user_id', '=', input.userId).execute();
      const ended = await revokeSessions(ctx.tx, input.userId, ctx.now);
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ endedSessions: ended });
      return { reset: true };
    },
  });
