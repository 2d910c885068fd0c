import { Type } from '@sinclair/typebox';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { PermissionCatalog, PermissionDefinition } from '../../../kernel/pipeline/permissions.js';
import { defineCommand, type CommandContext, type RoleGrant } from '../../../kernel/pipeline/types.js';
import { grantHolds } from '../authorizer.js';
import type { IdentityDeps } from '../deps.js';
import { ADMINISTRATOR, builtInRole } from '../roles.js';
import { isoTime, roleName, scope, userId } from '../schemas.js';
import { covers, ENTERPRISE } from '../scope.js';
import { grantsOf } from '../sessions.js';
import { userById } from '../users-store.js';
import { isLiveNode } from '../../plant/store.js';

/** The permissions a role carries: custom roles list theirs, built-in roles take them from the catalog. */
async function permissionsOfRole(
  ctx: CommandContext,
  catalog: PermissionCatalog,
  role: string,
): Promise<PermissionDefinition[]> {
  const custom = await ctx.tx
    .selectFrom('custom_roles')
    .select('permissions')
    .where('name', '=', role)
    .executeTakeFirst();
  if (custom) return (JSON.parse(custom.permissions) as string[]).map((name) => catalog.require(name, `role ${role}`));
  if (!builtInRole(role)) throw new NotFoundError(`No role ${role}.`);
  const grant: RoleGrant = { role, scope: ENTERPRISE };
  return catalog.list().filter((p) => !p.public && !p.everyone && grantHolds(grant, p));
}

/** A scope is the enterprise or a live node of the plant hierarchy (module plant). */
async function requireScope(ctx: CommandContext, scope: string) {
  if (scope !== ENTERPRISE && !(await isLiveNode(ctx.tx, scope))) {
    throw new ValidationError(`No plant node at ${scope}; grant at '/' or at a node of the plant hierarchy.`, [
      { path: '/scope', message: 'must name a plant node' },
    ]);
  }
}

/**
 * Privileged roles (those that need a second factor, and every custom role) can change recipes, accounts,
 * keys or security settings: only someone who holds all their permissions may grant them. Shop-floor and
 * reading roles can be granted by any holder of identity.grants.manage at the scope.
 */
function privileged(role: string): boolean {
  return builtInRole(role)?.mfaRequired ?? true;
}

/** No escalation: a role can be granted at a scope only by someone who holds all of its permissions there. */
async function assertHoldsAll(ctx: CommandContext, permissions: PermissionDefinition[], target: string, what: string) {
  if (ctx.actor.kind === 'console') return;
  const mine = await grantsOf(ctx.tx, ctx.actor.id, ctx.now);
  const missing = permissions.filter((p) => !mine.some((g) => grantHolds(g, p) && covers(g.scope, target)));
  if (missing.length > 0)
    throw new ForbiddenError(
      `You cannot ${what}: you do not hold ${missing[0]!.name} at ${target}.`,
      'privilege_escalation',
    );
}

/** A second administrator must approve: at least one approver holds the administrator role for the enterprise. */
async function assertAdministratorApproved(ctx: CommandContext) {
  for (const approver of ctx.approvedBy) {
    const grants = await grantsOf(ctx.tx, approver, ctx.now);
    if (grants.some((g) => g.role === ADMINISTRATOR && g.scope === ENTERPRISE)) return;
  }
  throw new ForbiddenError(
    'Granting the administrator role needs the approval of another administrator.',
    'dual_control',
  );
}

export const grantRoleCommand = (deps: IdentityDeps) =>
  defineCommand({
    name: 'identity.grant',
    summary: 'Grant a role at a scope (administrator, or any role to oneself: a second administrator approves)',
    input: Type.Object(
      { userId, role: roleName, scope, expiresAt: Type.Optional(isoTime) },
      { additionalProperties: false },
    ),
    permission: 'identity.grants.manage',
    scope: (input) => input.scope,
    approvals: (input, actor) =>
      actor.kind !== 'console' && (input.role === ADMINISTRATOR || input.userId === actor.id) ? 1 : 0,
    async handler(ctx, input) {
      await userById(ctx.tx, input.userId);
      await requireScope(ctx, input.scope);
      const permissions = await permissionsOfRole(ctx, deps.permissions, input.role);
      if (privileged(input.role)) await assertHoldsAll(ctx, permissions, input.scope, `grant ${input.role}`);
      if (ctx.actor.kind !== 'console' && (input.role === ADMINISTRATOR || input.userId === ctx.actor.id)) {
        if (input.role === ADMINISTRATOR) await assertAdministratorApproved(ctx);
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
      ctx.setTarget({ type: 'user', id: input.userId });
      ctx.note({ grantId: id, role: input.role, scope: input.scope, expiresAt: input.expiresAt ?? null });
      return { grantId: id };
    },
  });

export const revokeRole = defineCommand({
  name: 'identity.revoke',
  summary: 'Revoke a role held at a scope',
  input: Type.Object({ userId, role: roleName, scope }, { additionalProperties: false }),
  permission: 'identity.grants.manage',
  scope: (input) => input.scope,
  async handler(ctx, input) {
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
        permissions: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 200, uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
    permission: 'identity.grants.manage',
    async handler(ctx, input) {
      if (builtInRole(input.name)) throw new ConflictError(`${input.name} is a built-in role.`, 'role_exists');
      const definitions = input.permissions.map((name) => deps.permissions.get(name));
      const bad = input.permissions.find(
        (name, i) => !definitions[i] || definitions[i]!.public || definitions[i]!.everyone || !/\./.test(name),
      );
      if (bad)
        throw new ValidationError(`Unknown or non-grantable permission ${bad}.`, [
          { path: '/permissions', message: `${bad} cannot be part of a role` },
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
        permission: Type.String({ maxLength: 100 }),
        scope,
        minutes: Type.Integer({ minimum: 1, maximum: 60, description: 'an integer from 1 to 60' }),
        reason: Type.String({ minLength: 5, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
    permission: 'identity.override.grant',
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
