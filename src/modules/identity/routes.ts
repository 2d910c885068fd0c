import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Bastion } from '../../app/bastion.js';
import { runCommand } from '../../http/commands.js';
import { errorResponses } from '../../http/schemas.js';
import { changePassword, loginCommand, logout } from './commands.js';

const tags = ['identity'];

export function identityRoutes(app: FastifyInstance, bastion: Bastion): void {
  const login = loginCommand(bastion.config.session.absoluteHours);
  app.post(
    '/api/auth/login',
    {
      config: { permission: login.permission, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: login.summary,
        security: [],
        body: login.input,
        response: {
          200: Type.Object({
            token: Type.String(),
            sessionId: Type.String(),
            expiresAt: Type.String(),
            mustChangePassword: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    runCommand(bastion, login.name),
  );
  app.post(
    '/api/auth/logout',
    {
      config: { permission: logout.permission },
      schema: {
        tags,
        summary: logout.summary,
        response: { 200: Type.Object({ ended: Type.Boolean() }), ...errorResponses },
      },
    },
    runCommand(bastion, logout.name),
  );
  app.post(
    '/api/auth/password',
    {
      config: { permission: changePassword.permission },
      schema: {
        tags,
        summary: changePassword.summary,
        body: changePassword.input,
        response: { 200: Type.Object({ changed: Type.Boolean() }), ...errorResponses },
      },
    },
    runCommand(bastion, changePassword.name),
  );
  app.get(
    '/api/auth/me',
    {
      config: { permission: 'identity.me.read' },
      schema: {
        tags,
        summary: 'The current actor',
        response: {
          200: Type.Object({
            id: Type.String(),
            kind: Type.String(),
            sessionId: Type.Optional(Type.String()),
            mustChangePassword: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      id: request.actor.id,
      kind: request.actor.kind,
      sessionId: request.actor.sessionId,
      mustChangePassword: request.actor.mustChangePassword ?? false,
    }),
  );
}
