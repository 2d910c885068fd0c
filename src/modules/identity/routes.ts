import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, SESSION_COOKIE, errorResponses, originOf } from '../../http/index.js';
import { listPending } from '../../kernel/pipeline/approvals.js';
import { accessMatrix, matrixSchema } from './matrix.js';
import { grantsOf } from './sessions.js';
import { publicUser, userById } from './users-store.js';
import { grantView, loginResult, userView } from './views.js';

const tags = ['identity'];
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const withUser = (params: Record<string, unknown>) => ({ userId: params.id });

function setSessionCookie(result: unknown, reply: FastifyReply, maxAgeSeconds: number): void {
  const { token } = result as { token?: string };
  if (token)
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`,
    );
}

function selfRoutes(app: FastifyInstance, context: ModuleContext): void {
  const command = (name: string) => context.commands.get(name);
  app.get(
    '/api/auth/notice',
    {
      config: { permission: 'identity.notice.read' },
      schema: {
        tags,
        summary: 'The system-use notice (IEC 62443-3-3 SR 1.12), to show before login',
        response: { 200: Type.Object({ notice: Type.String() }) },
      },
    },
    async () => ({ notice: context.config.identity.notice }),
  );
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/login',
    command: command('identity.login'),
    tags,
    response: loginResult,
    onResult: (result, reply) => setSessionCookie(result, reply, context.config.session.absoluteHours * 3600),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/logout',
    command: command('identity.logout'),
    tags,
    response: Type.Object({ ended: Type.Boolean() }),
    onResult: (_result, reply) =>
      void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/password',
    command: command('identity.change-password'),
    tags,
    response: Type.Object({ changed: Type.Boolean() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/mfa/enrol',
    command: command('identity.mfa.enrol'),
    tags,
    response: Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrSvg: Type.String() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/mfa/confirm',
    command: command('identity.mfa.confirm'),
    tags,
    response: Type.Object({ enrolled: Type.Boolean(), recoveryCodes: Type.Array(Type.String()) }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/auth/mfa/verify',
    command: command('identity.mfa.verify'),
    tags,
    response: Type.Object({ verified: Type.Boolean() }),
  });
  commandRoute(app, context, {
    method: 'DELETE',
    url: '/api/auth/sessions/:id',
    command: command('identity.session.revoke-own'),
    tags,
    params: idParams,
    toInput: (p) => ({ sessionId: p.id }),
    response: Type.Object({ ended: Type.Boolean() }),
  });
  app.get(
    '/api/auth/me',
    {
      config: { permission: 'identity.me.read' },
      schema: {
        tags,
        summary: 'The current account, its grants and its live sessions',
        response: {
          200: Type.Object({
            id: Type.String(),
            kind: Type.String(),
            sessionId: Type.Optional(Type.String()),
            mustChangePassword: Type.Boolean(),
            mfa: Type.String(),
            grants: Type.Array(grantView),
            sessions: Type.Array(
              Type.Object({
                id: Type.String(),
                createdAt: Type.String(),
                lastSeenAt: Type.String(),
                current: Type.Boolean(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { actor } = request;
      const now = context.clock.now();
      const sessions = await context.db
        .selectFrom('sessions')
        .select(['id', 'created_at', 'last_seen_at'])
        .where('user_id', '=', actor.id)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at')
        .execute();
      return {
        id: actor.id,
        kind: actor.kind,
        sessionId: actor.sessionId,
        mustChangePassword: actor.mustChangePassword ?? false,
        mfa: actor.mfa ?? 'not-required',
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

function adminRoutes(app: FastifyInstance, context: ModuleContext): void {
  const command = (name: string) => context.commands.get(name);
  const { db } = context;
  app.get(
    '/api/users',
    {
      config: { permission: 'identity.users.read' },
      schema: {
        tags,
        summary: 'List accounts',
        response: { 200: Type.Object({ users: Type.Array(userView) }), ...errorResponses },
      },
    },
    async () => ({
      users: (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(publicUser),
    }),
  );
  app.get(
    '/api/users/:id',
    {
      config: { permission: 'identity.users.read' },
      schema: {
        tags,
        summary: 'One account with its grants',
        params: idParams,
        response: { 200: Type.Object({ user: userView, grants: Type.Array(grantView) }), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return {
        user: publicUser(await userById(db, id)),
        grants: (await grantsOf(db, id, context.clock.now())).map((g) => ({ role: g.role, scope: g.scope })),
      };
    },
  );
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/users',
    command: command('identity.user.create'),
    tags,
    response: Type.Object({ user: userView, oneTimePassword: Type.String() }),
  });
  for (const action of ['disable', 'enable', 'unlock', 'expire'] as const) {
    commandRoute(app, context, {
      method: 'POST',
      url: `/api/users/:id/${action}`,
      command: command(`identity.user.${action}`),
      tags,
      params: idParams,
      toInput: withUser,
      response: Type.Object({ user: userView }),
    });
  }
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/users/:id/reset',
    command: command('identity.user.reset'),
    tags,
    params: idParams,
    toInput: withUser,
    response: Type.Object({ oneTimePassword: Type.String() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/users/:id/mfa-reset',
    command: command('identity.mfa.reset'),
    tags,
    params: idParams,
    toInput: withUser,
    response: Type.Object({ reset: Type.Boolean() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/users/:id/sessions/revoke',
    command: command('identity.sessions.revoke'),
    tags,
    params: idParams,
    toInput: withUser,
    response: Type.Object({ ended: Type.Integer() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/grants',
    command: command('identity.grant'),
    tags,
    response: Type.Object({ grantId: Type.String() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/grants/revoke',
    command: command('identity.revoke'),
    tags,
    response: Type.Object({ revoked: Type.Boolean() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/roles',
    command: command('identity.role.define'),
    tags,
    response: Type.Object({ name: Type.String() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/overrides',
    command: command('identity.override'),
    tags,
    response: Type.Object({ overrideId: Type.String(), expiresAt: Type.String() }),
  });
  app.get(
    '/api/access/matrix',
    {
      config: { permission: 'identity.grants.read' },
      schema: {
        tags,
        summary: 'Which role may run which command and route, at which scope',
        response: { 200: matrixSchema, ...errorResponses },
      },
    },
    async () => accessMatrix(context, app),
  );
}

export function identityRoutes(app: FastifyInstance, context: ModuleContext): void {
  selfRoutes(app, context);
  adminRoutes(app, context);
  approvalRoutes(app, context);
}

/** Dual control: pending changes, and the approvers' decisions (never by the author; see the pipeline). */
export function approvalRoutes(app: FastifyInstance, context: ModuleContext): void {
  const approval = Type.Object({
    id: Type.String(),
    command: Type.String(),
    authorId: Type.String(),
    required: Type.Integer(),
    approvals: Type.Integer(),
    createdAt: Type.String(),
    expiresAt: Type.String(),
  });
  app.get(
    '/api/approvals',
    {
      config: { permission: 'approval.read' },
      schema: {
        tags: ['approvals'],
        summary: 'Changes waiting for approval',
        response: { 200: Type.Object({ approvals: Type.Array(approval) }), ...errorResponses },
      },
    },
    async () => ({
      approvals: (await listPending(context.db, context.clock.now())).map((a) => ({
        id: a.id,
        command: a.command,
        authorId: a.author.id,
        required: a.required,
        approvals: a.approvers.length,
        createdAt: new Date(a.createdAt).toISOString(),
        expiresAt: new Date(a.expiresAt).toISOString(),
      })),
    }),
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/api/approvals/:id/${decision}`,
      {
        config: { permission: 'approval.decide', command: true },
        schema: {
          tags: ['approvals'],
          summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a pending change`,
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: {
            200: Type.Object({}, { additionalProperties: true }),
            409: errorResponses[404],
            ...errorResponses,
          },
        },
      },
      async (request) =>
        context.commands.decide(
          (request.params as { id: string }).id,
          decision === 'approve',
          request.actor,
          originOf(request),
        ),
    );
  }
}
