import { Type } from '@sinclair/typebox';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { type CommandContext } from '../../../kernel/pipeline/types.js';
import { defineCommand } from '../db.js';
import type { IdentityDeps } from '../deps.js';
import { ADMINISTRATOR, builtInRole } from '../roles.js';
import { isoTime, permissionName, roleName, scope, userId } from '../schemas.js';
import { ENTERPRISE } from '../scope.js';
import { userById } from '../users-store.js';
import { sessionsChanged } from '../session-cache/changes.js';
import {
  accountApprovals,
  assertAdministratorApproved,
  assertHoldsAll,
  assertMayActOn,
  assertMayGrant,
  type AccountAct,
} from './escalation.js';
import { isLiveNode } from '../../plant/index.js';

/** A scope is the enterprise or a live node of the plant hierarchy (module plant). */
async function requireScope(ctx: CommandContext, scope: string) {
  if (scope !== ENTERPRISE && !(await isLiveNode(ctx.tx, scope))) {
    throw new ValidationError(`No plant node at ${scope}; grant at '/' or at a node of the plant hierarchy.`, [
      { path: '/scope', message: 'must name a plant node' },
    ]);
  }
}

export const grantRoleCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.grant',
    summary: 'Grant a role at a scope (administrator, or any role to oneself: a second administrator approves)',
    input: Type.Object(
      { userId, role: roleName, scope, expiresAt: Type.Optional(isoTime) },
      { additionalProperties: false },
    ),
    output: Type.Object({ grantId: Type.String() }, { additionalProperties: false }),
    errors: ['not_found', 'validation_failed', 'privilege_escalation', 'dual_control'],
    permission: 'identity.grants.manage',
    http: { method: 'POST', url: '/api/grants' },
    scope: (input) => input.scope,
    approvals: (input, actor) =>
      actor.kind !== 'console' && (input.role === ADMINISTRATOR || input.userId === actor.id) ? 1 : 0,
    async handler(ctx, input) {
      await userById(ctx.tx, input.userId);
      await requireScope(ctx, input.scope);
      await assertMayGrant(ctx, deps.permissions, input.role, input.scope);
      if (ctx.actor.kind !== 'console' && (input.role === ADMINISTRATOR || input.userId === ctx.actor.id)) {
        if (input.role === ADMINISTRATOR) await assertAdministratorApproved(ctx, 'Granting the administrator role');
        else if (ctx.approvedBy.length === 0)
          throw new ForbiddenError('Granting yourself a role needs approval.', 'dual_control');
      }
      const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
      if (expiresAt !== null && expiresAt <= ctx.now)
        throw new ValidationError('The expiry must lie in the future.', [
          { path: '/expiresAt', message: 'must lie in the future' },
        ]);
      const id = newId();
      await ctx.tx
        .insertInto('role_grants')
        .values({
          id,
          user_id: input.userId,
          role: input.role,
          scope: input.scope,
          granted_by: ctx.actor.id,
          created_at: ctx.now,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ grantId: id, role: input.role, scope: input.scope, expiresAt: input.expiresAt ?? null });
      return { grantId: id };
    },
  });

const revoking: AccountAct = { what: 'revoke a role of', permission: 'identity.grants.manage' };

/** Revoking a role acts on the account: the no-escalation rule and, for an administrator, dual control. */
export const revokeRoleCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.revoke',
    summary: 'Revoke a role held at a scope (from an administrator: a second administrator approves)',
    input: Type.Object({ userId, role: roleName, scope }, { additionalProperties: false }),
    output: Type.Object({ revoked: Type.Boolean() }, { additionalProperties: false }),
    errors: ['not_found', 'privilege_escalation', 'dual_control'],
    permission: 'identity.grants.manage',
    http: { method: 'POST', url: '/api/grants/revoke' },
    scope: (input) => input.scope,
    approvals: accountApprovals(deps.permissions, revoking),
    async handler(ctx, input) {
      await assertMayActOn(ctx, deps.permissions, input.userId, revoking);
      const result = await ctx.tx
        .updateTable('role_grants')
        .set({ revoked_at: ctx.now })
        .where('user_id', '=', input.userId)
        .where('role', '=', input.role)
        .where('scope', '=', input.scope)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0)
        throw new NotFoundError(`The account holds no ${input.role} at ${input.scope}.`);
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ role: input.role, scope: input.scope });
      return { revoked: true };
    },
  });

export const defineRoleCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.role.define',
    summary: 'Define a custom role as a list of permissions',
    input: Type.Object(
      {
        name: roleName,
        description: Type.String({ minLength: 1, maxLength: 500 }),
        permissions: Type.Array(permissionName, { minItems: 1, maxItems: 200, uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
    output: Type.Object({ name: Type.String() }, { additionalProperties: false }),
    errors: ['role_exists', 'validation_failed'],
    permission: 'identity.grants.manage',
    http: { method: 'POST', url: '/api/roles' },
    async handler(ctx, input) {
      if (builtInRole(input.name)) throw new ConflictError(`${input.name} is a built-in role.`, 'role_exists');
      // Found by index, not by name: a name that is empty or otherwise falsy must be refused too.
      const bad = input.permissions.findIndex((name) => {
        const definition = deps.permissions.get(name);
        return !definition || definition.public === true || definition.everyone === true;
      });
      if (bad >= 0)
        throw new ValidationError(`Unknown or non-grantable permission "${input.permissions[bad]}".`, [
          { path: `/permissions/${bad}`, message: 'must be a declared permission that roles can carry' },
        ]);
      const exists = await ctx.tx
        .selectFrom('custom_roles')
        .select('name')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (exists) throw new ConflictError(`A role ${input.name} exists already.`, 'role_exists');
      await ctx.tx
        .insertInto('custom_roles')
        .values({
          name: input.name,
          description: input.description,
          permissions: JSON.stringify(input.permissions),
          created_at: ctx.now,
          created_by: ctx.actor.id,
        })
        .execute();
      await sessionsChanged(ctx);
      ctx.setTarget({ type: 'role', id: input.name });
      ctx.note({ permissions: input.permissions });
      return { name: input.name };
    },
  });

/** IEC 62443-3-3 SR 2.1 RE3: a supervisor authorises one blocked action for a limited time, with a reason. */
export const grantOverrideCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.override',
    summary: 'Authorise a blocked action for a limited time (supervisor override)',
    input: Type.Object(
      {
        userId,
        permission: permissionName,
        scope,
        minutes: Type.Integer({ minimum: 1, maximum: 60, description: 'an integer from 1 to 60' }),
        reason: Type.String({ minLength: 5, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
    output: Type.Object({ overrideId: Type.String(), expiresAt: Type.String() }, { additionalProperties: false }),
    errors: ['validation_failed', 'separation_of_duties', 'not_found', 'privilege_escalation'],
    permission: 'identity.override.grant',
    http: { method: 'POST', url: '/api/overrides' },
    scope: (input) => input.scope,
    async handler(ctx, input) {
      const definition = deps.permissions.get(input.permission);
      if (!definition || definition.public || definition.everyone || input.permission.startsWith('identity.')) {
        throw new ValidationError(`${input.permission} cannot be overridden.`, [
          { path: '/permission', message: 'not an overridable permission' },
        ]);
      }
      if (input.userId === ctx.actor.id)
        throw new ForbiddenError('A supervisor cannot override for himself.', 'separation_of_duties');
      await userById(ctx.tx, input.userId);
      await requireScope(ctx, input.scope);
      await assertHoldsAll(ctx, [definition], input.scope, `override ${input.permission}`);
      const id = newId();
      const expiresAt = ctx.now + input.minutes * 60_000;
      await ctx.tx
        .insertInto('overrides')
        .values({
          id,
          user_id: input.userId,
          permission: input.permission,
          scope: input.scope,
          reason: input.reason,
          granted_by: ctx.actor.id,
          created_at: ctx.now,
          expires_at: expiresAt,
        })
        .execute();
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({
        overrideId: id,
        permission: input.permission,
        scope: input.scope,
        minutes: input.minutes,
        reason: input.reason,
      });
      ctx.emit('security.override-granted', { overrideId: id, userId: input.userId, permission: input.permission });
      return { overrideId: id, expiresAt: new Date(expiresAt).toISOString() };
    },
  });
