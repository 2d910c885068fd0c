import { Type } from '@sinclair/typebox';
import { classified } from '../../kernel/privacy/classified.js';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { errorResponses } from '../../http/index.js';
import type { Database } from './db.js';
import { usernamesOf } from './users-store.js';
import { openAccount } from './personal-data.js';

const tags = ['identity'];
const closed = { additionalProperties: false } as const;

const liveOverride = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    username: Type.Union([Type.String(), Type.Null()]),
    permission: Type.String(),
    scope: Type.String(),
    reason: Type.String(),
    grantedBy: Type.Union([Type.String(), Type.Null()], { description: "the granting supervisor's user name" }),
    createdAt: Type.String(),
    expiresAt: Type.String(),
  },
  closed,
);

const account = Type.Object(
  { id: Type.String(), username: Type.String(), displayName: classified(Type.String(), 'users.display_name') },
  closed,
);

/**
 * What a supervisor granting an override needs to see: the overrides still running (who, what, where, until
 * when) and the people an override can be granted to (enabled, unexpired human accounts), since a supervisor
 * does not read the account administration.
 */
export function overrideRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<Database>;
  app.get(
    '/api/overrides',
    {
      config: { permission: 'identity.override.grant' },
      schema: {
        tags,
        summary: 'Supervisor overrides still running, newest first',
        operationId: 'identity.overrides.list',
        response: { 200: Type.Object({ overrides: Type.Array(liveOverride) }, closed), ...errorResponses },
      },
    },
    async () => {
      const rows = await db
        .selectFrom('overrides')
        .selectAll()
        .where('expires_at', '>', context.clock.now())
        .orderBy('created_at', 'desc')
        .limit(200)
        .execute();
      const names = await usernamesOf(db, [...rows.map((r) => r.user_id), ...rows.map((r) => r.granted_by)]);
      return {
        overrides: rows.map((r) => ({
          id: r.id,
          userId: r.user_id,
          username: names.get(r.user_id) ?? null,
          permission: r.permission,
          scope: r.scope,
          reason: r.reason,
          grantedBy: names.get(r.granted_by) ?? null,
          createdAt: new Date(Number(r.created_at)).toISOString(),
          expiresAt: new Date(Number(r.expires_at)).toISOString(),
        })),
      };
    },
  );
  app.get(
    '/api/overrides/accounts',
    {
      config: { permission: 'identity.override.grant' },
      schema: {
        tags,
        summary: 'The people an override can be granted to: enabled, unexpired human accounts by user name',
        operationId: 'identity.overrides.accounts',
        response: { 200: Type.Object({ accounts: Type.Array(account) }, closed), ...errorResponses },
      },
    },
    async () => {
      const now = context.clock.now();
      const rows = await db
        .selectFrom('users')
        .select(['id', 'username', 'display_name'])
        .where('kind', '=', 'human')
        .where('disabled', '=', 0)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('username')
        .limit(1000)
        .execute();
      const opened = await Promise.all(rows.map((r) => openAccount(context.cipher, r)));
      return { accounts: opened.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name })) };
    },
  );
}
