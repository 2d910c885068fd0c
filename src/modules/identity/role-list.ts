import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../http/index.js';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { grantHolds } from './authorizer.js';
import type { Database } from './db.js';
import { builtInRoles } from './roles.js';
import { ENTERPRISE } from './scope.js';

const closed = { additionalProperties: false } as const;

const roleView = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    builtIn: Type.Boolean(),
    mfaRequired: Type.Boolean({ description: 'holders must use a second factor (built-in roles that say so)' }),
    permissions: Type.Array(Type.String(), { description: 'the declared permissions the role carries' }),
  },
  closed,
);

/** Stored permission lists come from earlier versions too: anything not a list of names reads as none. */
function storedPermissions(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string' && p !== '') : [];
  } catch {
    return [];
  }
}

/**
 * Every role an administrator can grant: the built-in ones (their permissions as the catalog declares them)
 * and the custom ones defined with POST /api/roles, so a page offers real choices instead of free text.
 */
export function roleListRoute(app: FastifyInstance, context: ModuleContext, db: ReadDb<Database>): void {
  app.get(
    '/api/roles',
    {
      // The catalogue is not tied to a place: a grant of the permission anywhere (a site's security officer) reads it.
      config: { permission: 'identity.grants.read', scopedRead: true },
      schema: {
        tags: ['identity'],
        summary: 'The roles that can be granted: built-in and custom, with their permissions',
        operationId: 'identity.roles.list',
        response: { 200: Type.Object({ roles: Type.Array(roleView) }, closed), ...errorResponses },
      },
    },
    async () => {
      const grantable = context.permissions.list().filter((p) => p.public !== true && p.everyone !== true);
      const custom = await db
        .selectFrom('custom_roles')
        .select(['name', 'description', 'permissions'])
        .orderBy('name')
        .execute();
      return {
        roles: [
          ...builtInRoles.map((role) => ({
            name: role.name,
            description: role.description,
            builtIn: true,
            mfaRequired: role.mfaRequired,
            permissions: grantable
              .filter((p) => grantHolds({ role: role.name, scope: ENTERPRISE }, p))
              .map((p) => p.name),
          })),
          ...custom.map((role) => ({
            name: role.name,
            description: role.description,
            builtIn: false,
            mfaRequired: false,
            permissions: storedPermissions(role.permissions),
          })),
        ],
      };
    },
  );
}
