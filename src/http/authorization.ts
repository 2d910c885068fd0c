import type { FastifyInstance } from 'fastify';
import { ANONYMOUS_ACTOR } from '../app/actors.js';
import type { Bastion } from '../app/bastion.js';
import { AuthenticationError } from '../kernel/errors.js';
import { actorForToken } from '../modules/identity/sessions.js';
import type { Actor } from '../kernel/pipeline/types.js';
import { originOf } from './context.js';

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]{20,128})$/);
  return match?.[1];
}

/**
 * Default deny for HTTP: a route that names no declared permission cannot even be registered, and every
 * request is authenticated (bearer token) and authorised against its route's permission before its handler.
 */
export function installAuthorization(app: FastifyInstance, bastion: Bastion): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (!permission) throw new Error(`route ${route.method} ${route.url} declares no permission`);
    bastion.permissions.require(permission, `route ${route.method} ${route.url}`);
  });
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request.headers.authorization);
    const actor = token ? await actorForToken(bastion.storage, token, bastion.clock.now()) : undefined;
    if (token && !actor) throw new AuthenticationError('The session is unknown, expired or ended; log in again.');
    request.actor = actor ?? ANONYMOUS_ACTOR;
  });
  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission) return; // the not-found handler, which has no route
    if (bastion.permissions.get(permission)?.public) return;
    if (request.actor.kind === 'anonymous') throw new AuthenticationError();
    await bastion.pipeline.authorizeRead(
      request.actor,
      permission,
      originOf(request),
      `http ${request.method} ${request.routeOptions.url}`,
    );
  });
}
