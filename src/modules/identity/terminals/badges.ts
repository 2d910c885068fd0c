import { Type } from '@sinclair/typebox';
import { AuthenticationError, ConflictError, ValidationError } from '../../../kernel/errors.js';
import { CommandRefusal } from '../../../kernel/pipeline/types.js';
import { assertMayActOn } from '../commands/escalation.js';
import { defineCommand } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { countFailure } from '../lockout.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { idParams, password, userId } from '../schemas.js';
import { userById } from '../users-store.js';
import { BADGE_INDEX, badgeSchema, normaliseBadge, pinSchema } from './store.js';

const closed = { additionalProperties: false } as const;

/**
 * Assigns (or replaces) a person's badge and PIN. Acting on an administrator's account needs a second
 * administrator (escalation.ts); that request is refused here rather than held for approval, because a held
 * request would keep the PIN in clear until decided.
 */
export const assignBadgeCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.badge.assign',
    summary: "Assign or replace an account's badge and PIN",
    input: Type.Object({ userId, badge: badgeSchema, pin: pinSchema }, closed),
    output: Type.Object({ assigned: Type.Boolean() }, closed),
    errors: ['not_found', 'validation_failed', 'badge_taken', 'privilege_escalation', 'dual_control'],
    permission: 'identity.badge.assign',
    http: {
      method: 'POST',
      url: '/api/users/:id/badge',
      params: idParams,
      body: Type.Object({ badge: badgeSchema, pin: pinSchema }, closed),
      toInput: (params, body) => ({ ...(body as object), userId: params.id }),
    },
    async handler(ctx, input) {
      const user = await userById(ctx.tx, input.userId);
      await assertMayActOn(ctx, deps.permissions, user.id, {
        what: 'assign a badge to',
        permission: 'identity.badge.assign',
      });
      if (user.kind !== 'human')
        throw new ValidationError('Only a person carries a badge.', [{ path: '/userId', message: 'must be a person' }]);
      const index = deps.secrets.index(normaliseBadge(input.badge), BADGE_INDEX);
      const holder = await ctx.tx
        .selectFrom('user_badges')
        .select('user_id')
        .where('badge_index', '=', index)
        .executeTakeFirst();
      if (holder && holder.user_id !== user.id)
        throw new ConflictError('That badge is assigned to another account.', 'badge_taken');
      const pinHash = await hashPassword(input.pin);
      await ctx.tx.deleteFrom('user_badges').where('user_id', '=', user.id).execute();
      await ctx.tx
        .insertInto('user_badges')
        .values({
          user_id: user.id,
          badge_index: index,
          pin_hash: pinHash,
          failures: 0,
          locked_until: null,
          assigned_at: ctx.now,
          assigned_by: ctx.actor.id,
        })
        .execute();
      ctx.setTarget({ type: 'user', id: user.id });
      ctx.note({ replaced: holder !== undefined });
      return { assigned: true };
    },
  });

/** A person changes their own PIN, proving it with their password (a wrong one counts toward lockout). */
export const changePinCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.pin.change',
    summary: "Change one's own badge PIN",
    input: Type.Object({ currentPassword: password, pin: pinSchema }, closed),
    output: Type.Object({ changed: Type.Boolean() }, closed),
    errors: ['not_found', 'unauthenticated', 'conflict'],
    permission: 'identity.pin.change',
    http: { method: 'POST', url: '/api/auth/pin' },
    async handler(ctx, input) {
      const user = await userById(ctx.tx, ctx.actor.id);
      ctx.setTarget({ type: 'user', id: user.id });
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        await countFailure(ctx, user, deps.config, 'current-password');
        return new CommandRefusal(new AuthenticationError('The current password is wrong.'));
      }
      const updated = await ctx.tx
        .updateTable('user_badges')
        .set({ pin_hash: await hashPassword(input.pin), failures: 0, locked_until: null })
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw new ConflictError('No badge is assigned to your account.');
      return { changed: true };
    },
  });
