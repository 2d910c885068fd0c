import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';
import type { ReadDb } from '../../kernel/store.js';
import { errorResponses, originOf, requestCsrfToken } from '../../http/index.js';
import { grantHolds } from './authorizer.js';
import { overrideRoutes } from './override-routes.js';
import { listPending } from '../../kernel/pipeline/approvals.js';
import type { Database } from './db.js';
import { accessMatrix, matrixSchema } from './matrix.js';
import { idParams, roleName } from './schemas.js';
import { pageUsers, type UserFilter } from './user-list.js';
import { roleListRoute } from './role-list.js';
import { pageOf, pageQuery } from '../../kernel/pagination.js';
import { grantsOf } from './sessions.js';
import { publicUser, userById, usernamesOf } from './users-store.js';
import { grantView, mfaState, userView } from './views.js';
import { terminalIdentity } from './terminals/store.js';
import { openAccount, openDisplayName } from './personal-data.js';

// Identity's commands bring their own routes (see their `http`); these are the reads and the approvals.
const tags = ['identity'];
const closed = { additionalProperties: false } as const;

const meView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    username: Type.String(),
    // The caller's own name: a person always sees their own personal data, so it is not annotated for masking.
    displayName: Type.String(),
    sessionId: Type.Optional(Type.String()),
    csrfToken: Type.Optional(
      Type.String({ description: 'the CSRF token of the session cookie sent (a page keeps it in memory only)' }),
    ),
    idleMinutes: Type.Integer({ description: 'minutes without activity after which this session ends' }),
    permissions: Type.Array(Type.String(), {
      description: 'every permission a grant of this account holds somewhere (what a page may offer)',
    }),
    mustChangePassword: Type.Boolean(),
    mfa: mfaState,
    /** The terminal this session was opened at by badge (its grants are then confined to the line), or null. */
    terminal: Type.Union([terminalIdentity, Type.Null()]),
    grants: Type.Array(grantView),
    sessions: Type.Array(
      Type.Object(
        { id: Type.String(), createdAt: Type.String(), lastSeenAt: Type.String(), current: Type.Boolean() },
        closed,
      ),
    ),
  },
  closed,
);

/**
 * The permissions a grant can confer, in name order: the catalogue is complete before the first request, and
 * sorting it on every /api/auth/me cost more than the rest of the answer.
 */
const grantableOf = new WeakMap<ModuleContext, PermissionDefinition[]>();
function grantable(context: ModuleContext): PermissionDefinition[] {
  let list = grantableOf.get(context);
  if (!list) {
    list = context.permissions
      .list()
      .filter((p) => !p.public)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    grantableOf.set(context, list);
  }
  return list;
}

/** The account and its live sessions, oldest first, in one round trip (every page load asks for them). */
async function accountWithSessions(db: ReadDb<Database>, userId: string, now: number) {
  const rows = await db
    .selectFrom('users')
    .leftJoin('sessions', (join) =>
      join
        .onRef('sessions.user_id', '=', 'users.id')
        .on('sessions.revoked_at', 'is', null)
        .on('sessions.expires_at', '>', now),
    )
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'sessions.id as sessionId',
      'sessions.created_at',
      'sessions.last_seen_at',
    ])
    .where('users.id', '=', userId)
    .orderBy('sessions.created_at')
    .execute();
  const account = rows[0];
  if (!account) throw new NotFoundError(`No account ${userId}.`);
  const sessions = rows.flatMap((r) =>
    r.sessionId !== null && r.created_at !== null && r.last_seen_at !== null
      ? [{ id: r.sessionId, created_at: r.created_at, last_seen_at: r.last_seen_at }]
      : [],
  );
  return { account, sessions };
}

function selfRoutes(app: FastifyInstance, context: ModuleContext, db: ReadDb<Database>): void {
  app.get(
    '/api/auth/notice',
    {
      config: { permission: 'identity.notice.read' },
      schema: {
        tags,
        summary: 'The system-use notice (IEC 62443-3-3 SR 1.12), to show before login',
        operationId: 'identity.notice',
        response: { 200: Type.Object({ notice: Type.String() }, closed) },
      },
    },
    () => ({ notice: context.config.identity.notice }),
  );
  app.get(
    '/api/auth/me',
    {
      config: { permission: 'identity.me.read' },
      schema: {
        tags,
        summary: 'The current account, its grants and its live sessions',
        operationId: 'identity.me',
        response: { 200: meView, ...errorResponses },
      },
    },
    async (request) => {
      const { actor } = request;
      const { account, sessions } = await accountWithSessions(db, actor.id, context.clock.now());
      const csrfToken = requestCsrfToken(request);
      const grants = actor.grants ?? [];
      const permissions = grantable(context)
        .filter((p) => p.everyone === true || grants.some((g) => grantHolds(g, p)))
        .map((p) => p.name);
      return {
        id: actor.id,
        kind: actor.kind,
        username: account.username,
        displayName: await openDisplayName(context.cipher, account.id, account.display_name),
        sessionId: actor.sessionId,
        ...(csrfToken !== undefined ? { csrfToken } : {}),
        // A terminal's session locks sooner: whoever walks up to a shared screen must not find it signed in.
        idleMinutes: actor.terminal ? context.config.session.terminalIdleMinutes : context.config.session.idleMinutes,
        permissions,
        mustChangePassword: actor.mustChangePassword ?? false,
        mfa: actor.mfa ?? 'not-required',
        terminal: actor.terminal ?? null,
        grants: (actor.grants ?? []).map((g) => ({ role: g.role, scope: g.scope })),
        sessions: sessions.map((s) => ({
          id: s.id,
          createdAt: new Date(s.created_at).toISOString(),
          lastSeenAt: new Date(s.last_seen_at).toISOString(),
          current: s.id === actor.sessionId,
        })),
      };
    },
  );
}

function adminRoutes(app: FastifyInstance, context: ModuleContext, db: ReadDb<Database>): void {
  app.get(
    '/api/users',
    {
      config: { permission: 'identity.users.read' },
      schema: {
        tags,
        summary: 'List accounts by user name (paged)',
        operationId: 'identity.users.list',
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union([Type.Literal('human'), Type.Literal('service'), Type.Literal('device')])),
            disabled: Type.Optional(Type.Boolean()),
            role: Type.Optional({ ...roleName, description: 'accounts holding a live grant of this role' }),
            ...pageQuery,
          },
          closed,
        ),
        response: { 200: pageOf(userView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as UserFilter & { limit?: number; cursor?: string };
      return pageUsers(db, context.cipher, context.clock.now(), filter, { limit, cursor });
    },
  );
  app.get(
    '/api/users/:id',
    {
      config: { permission: 'identity.users.read' },
      schema: {
        tags,
        summary: 'One account with its grants',
        operationId: 'identity.users.get',
        params: idParams,
        response: { 200: Type.Object({ user: userView, grants: Type.Array(grantView) }, closed), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const now = context.clock.now();
      return {
        user: publicUser(await openAccount(context.cipher, await userById(db, id)), now),
        grants: (await grantsOf(db, id, now)).map((g) => ({ role: g.role, scope: g.scope })),
      };
    },
  );
  app.get(
    '/api/access/matrix',
    {
      config: { permission: 'identity.grants.read' },
      schema: {
        tags,
        summary: 'Which role may run which command and route, at which scope',
        operationId: 'identity.access.matrix',
        response: { 200: matrixSchema, ...errorResponses },
      },
    },
    () => accessMatrix(context, app),
  );
}

export function identityRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<Database>;
  selfRoutes(app, context, db);
  adminRoutes(app, context, db);
  roleListRoute(app, context, db);
  approvalRoutes(app, context);
  overrideRoutes(app, context);
}

const approval = Type.Object(
  {
    id: Type.String(),
    command: Type.String(),
    authorId: Type.String(),
    author: Type.Union([Type.String(), Type.Null()], { description: "the author's user name (null: not an account)" }),
    input: Type.Record(Type.String(), Type.Unknown(), { description: 'what the held command would do' }),
    required: Type.Integer(),
    approvals: Type.Integer(),
    createdAt: Type.String(),
    expiresAt: Type.String(),
  },
  closed,
);

/**
 * An approval's answer is the approved command's own output once enough approvers agreed (any command's, so
 * genuinely free-form here), else the approval's state; the second shape is declared, the first passes whole.
 */
const decision = Type.Object(
  {
    approvalId: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    approvals: Type.Optional(Type.Integer()),
    approvalsRequired: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);

/** Dual control: pending changes, and the approvers' decisions (never by the author; see the pipeline). */
export function approvalRoutes(app: FastifyInstance, context: ModuleContext): void {
  app.get(
    '/api/approvals',
    {
      config: { permission: 'approval.read' },
      schema: {
        tags: ['approvals'],
        summary: 'Changes waiting for approval',
        operationId: 'approvals.list',
        response: { 200: Type.Object({ approvals: Type.Array(approval) }, closed), ...errorResponses },
      },
    },
    async () => {
      const pending = await listPending(context.db, context.clock.now(), context.cipher);
      const names = await usernamesOf(
        context.db as ReadDb<Database>,
        pending.map((a) => a.author.id),
      );
      return {
        approvals: pending.map((a) => ({
          id: a.id,
          command: a.command,
          authorId: a.author.id,
          author: names.get(a.author.id) ?? null,
          input: (typeof a.input === 'object' && a.input !== null ? a.input : {}) as Record<string, unknown>,
          required: a.required,
          approvals: a.approvers.length,
          createdAt: new Date(a.createdAt).toISOString(),
          expiresAt: new Date(a.expiresAt).toISOString(),
        })),
      };
    },
  );
  for (const choice of ['approve', 'reject'] as const) {
    app.post(
      `/api/approvals/:id/${choice}`,
      {
        config: { permission: 'approval.decide', command: true },
        schema: {
          tags: ['approvals'],
          summary: `${choice === 'approve' ? 'Approve' : 'Reject'} a pending change`,
          operationId: `approvals.${choice}`,
          params: idParams,
          response: { 200: decision, 409: errorResponses[404], ...errorResponses },
        },
      },
      async (request) =>
        context.commands.decide(
          (request.params as { id: string }).id,
          choice === 'approve',
          request.actor,
          originOf(request),
        ),
    );
  }
}
