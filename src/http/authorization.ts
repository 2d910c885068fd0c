import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR } from '../kernel/actors.js';
import { equalBytes, sha256 } from '../kernel/digest.js';
import { AuthenticationError, ForbiddenError, type AppError } from '../kernel/errors.js';
import type { Actor } from '../kernel/pipeline/types.js';
import type { HttpHost } from './host.js';
import type { ModuleContext } from '../kernel/module.js';
import type { ReadScopes } from '../kernel/scopes.js';
import { originOf } from './context.js';

export const SESSION_COOKIE = '__Host-bastion_session';

/** Every registered route with its permission: for the access matrix and the tests that walk all routes. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    /** A bad credential found by authentication, thrown after the rate limiter has counted the request. */
    refusal: AppError | null;
  }
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

function bearerToken(request: FastifyRequest): string | undefined {
  return request.headers.authorization?.match(/^Bearer ([A-Za-z0-9_-]{20,128})$/)?.[1];
}

/**
 * A session's CSRF token, derived from its secret token: the page keeps it only in memory and asks
 * `/api/auth/me` for it again after a reload (a cross-site page cannot read that answer), so nothing secret
 * ever sits in browser storage. The server stores only its hash, like the session token's.
 */
export const csrfTokenOf = (sessionToken: string): string =>
  createHash('sha256').update(`bastion-csrf\0${sessionToken}`).digest('base64url');

/** The CSRF token of the session cookie this request carries, if any. */
export const requestCsrfToken = (request: FastifyRequest): string | undefined => {
  const token = cookieToken(request);
  return token === undefined ? undefined : csrfTokenOf(token);
};

function cookieToken(request: FastifyRequest): string | undefined {
  const value = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  return value !== undefined && TOKEN.test(value) ? value : undefined;
}

/** Cookies ride along on cross-site requests; a state change sent with one must prove it came from our page. */
function checkCsrf(request: FastifyRequest, csrfHash: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers['x-csrf-token'];
  const given = typeof header === 'string' ? sha256(header) : Buffer.alloc(32);
  if (!equalBytes(given, Buffer.from(csrfHash, 'hex'))) {
    throw new ForbiddenError(
      'A state change with a session cookie needs the X-CSRF-Token header of that session.',
      'csrf_token_invalid',
    );
  }
}

/**
 * Default deny for HTTP: a route that names no declared permission cannot even be registered; every request
 * is authenticated (bearer token, or session cookie plus CSRF token for state changes) and authorised against
 * its route's permission before its handler runs. `limit` (the rate limiter) runs between the two: it needs to
 * know the account to key on, and refusals (401/403) must count against the limit like any other request.
 */
export function installAuthorization(app: FastifyInstance, host: HttpHost, limit: onRequestAsyncHookHandler): void {
  const context = host.context;
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('refusal', null);
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission === undefined || permission === '')
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission`);
    context.permissions.require(permission, `route ${String(route.method)} ${route.url}`);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, permission });
  });
  app.addHook('onRequest', async (request, reply) => {
    request.actor = ANONYMOUS_ACTOR;
    request.refusal = await authenticateRequest(request, host);
    // A dead session's cookie is refused, and dropped with the refusal: the browser's next login (a shop-floor
    // terminal's badge sign-in after its idle lock, say) then goes through instead of meeting it again.
    if (request.refusal?.code === 'unauthenticated' && bearerToken(request) === undefined)
      void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`);
  });
  app.addHook('onRequest', limit);
  app.addHook('onRequest', async (request) => {
    if (request.refusal) throw request.refusal;
    await authorizeRoute(request, context);
  });
}

/**
 * Finds the request's actor. A bad credential is not thrown here but returned, to be thrown once the rate
 * limiter has counted the request: a flood of bad tokens is limited like any other (per address, as the
 * request has no account; a failed CSRF check, per the session's account).
 */
async function authenticateRequest(request: FastifyRequest, host: HttpHost): Promise<AppError | null> {
  const context = host.context;
  const bearer = bearerToken(request);
  const token = bearer ?? cookieToken(request);
  if (token === undefined) return null;
  const session = await host.authenticator?.authenticate(token, context.clock.now());
  if (!session) {
    // A public route (health, notice, login) needs no session: a stale bearer token there is ignored, not
    // refused, so an API client whose session ended can log in again and a probe never fails on a leftover
    // header. A stale cookie is still refused: a planted cookie must never ride along silently (fixation).
    if (bearer !== undefined && isPublicRoute(request, context)) return null;
    return new AuthenticationError('The session is unknown, expired or ended; log in again.');
  }
  request.actor = session.actor;
  if (bearer === undefined) {
    try {
      checkCsrf(request, session.csrfHash);
    } catch (error) {
      return error as AppError;
    }
  }
  if (session.touchDue) {
    await context.commands.execute(
      touchCommand(context),
      { sessionId: session.actor.sessionId },
      SYSTEM_ACTOR,
      originOf(request),
    );
  }
  return null;
}

function isPublicRoute(request: FastifyRequest, context: ModuleContext): boolean {
  const { permission } = request.routeOptions.config;
  return permission !== undefined && context.permissions.get(permission)?.public === true;
}

/**
 * Before the body is even parsed: no session, 401; a permission the actor holds nowhere, 403. Command routes
 * are checked again by the pipeline at the command's own scope, once the input is validated.
 */
async function authorizeRoute(request: FastifyRequest, context: ModuleContext): Promise<void> {
  const { permission, command, scopedRead } = request.routeOptions.config;
  if (permission === undefined || permission === '') return; // the not-found handler, which has no route
  if (isPublicRoute(request, context)) return;
  if (request.actor.kind === 'anonymous') throw new AuthenticationError();
  await context.commands.authorizeRead(
    request.actor,
    permission,
    originOf(request),
    `http ${request.method} ${request.routeOptions.url}`,
    { anyScope: command === true || scopedRead === true },
  );
}

/** The second half of a `scopedRead` route's check: the actor's grants must cover this place. */
export async function authorizeScopedRead(
  request: FastifyRequest,
  context: ModuleContext,
  scope: string,
): Promise<void> {
  const { permission } = request.routeOptions.config;
  await context.commands.authorizeRead(
    request.actor,
    permission!,
    originOf(request),
    `http ${request.method} ${request.routeOptions.url}`,
    { scope },
  );
}

function touchCommand(context: ModuleContext) {
  const command = context.commands.list().find((c) => c.name === 'identity.session.touch');
  if (!command) throw new Error('no identity.session.touch command: the identity module supplies the authenticator');
  return command;
}

/** Where the caller of a read route may read with the route's permission: lists filter by it. */
export function readScopesOf(request: FastifyRequest, context: ModuleContext): Promise<ReadScopes> {
  return context.commands.readScopes(request.actor, request.routeOptions.config.permission!);
}
