import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';
import { grantHolds } from './authorizer.js';
import { builtInRoles } from './roles.js';
import { ENTERPRISE } from './scope.js';

export const matrixSchema = Type.Object(
  {
    roles: Type.Array(Type.String()),
    permissions: Type.Array(
      Type.Object(
        {
          permission: Type.String(),
          description: Type.String(),
          /** Who holds it: 'everyone' (public), 'authenticated', 'system', or the roles, each at the scope of its grant. */
          holders: Type.Array(Type.String()),
          console: Type.Boolean(),
          commands: Type.Array(
            Type.Object(
              { name: Type.String(), scoped: Type.Boolean(), dualControl: Type.Boolean() },
              { additionalProperties: false },
            ),
          ),
          routes: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type AccessMatrix = Static<typeof matrixSchema>;

function holders(permission: PermissionDefinition, internalOnly: boolean): string[] {
  if (permission.public) return ['everyone'];
  if (permission.everyone) return ['authenticated'];
  if (internalOnly) return ['system'];
  return builtInRoles
    .filter((role) => grantHolds({ role: role.name, scope: ENTERPRISE }, permission))
    .map((role) => role.name);
}

/**
 * Which role may run which command and route. Roles hold a permission at the scope of their grant and below
 * it; `scoped` commands name their scope from their input, the others act at the enterprise ('/').
 */
export function accessMatrix(context: ModuleContext, app?: FastifyInstance): AccessMatrix {
  const commands = context.commands.list();
  const routes = app?.routeTable ?? [];
  return {
    roles: builtInRoles.map((role) => role.name),
    permissions: context.permissions.list().map((permission) => {
      const own = commands.filter((c) => c.permission === permission.name);
      const internalOnly = own.length > 0 && own.every((c) => c.internal);
      return {
        permission: permission.name,
        description: permission.description,
        holders: holders(permission, internalOnly),
        console: permission.console ?? false,
        commands: own.map((c) => ({
          name: c.name,
          scoped: c.scope !== undefined,
          dualControl: c.approvals !== undefined,
        })),
        routes: routes.filter((r) => r.permission === permission.name).map((r) => `${r.method} ${r.url}`),
      };
    }),
  };
}
