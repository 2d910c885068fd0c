import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { registerCommandRoutes } from './commands.js';
import type { HttpHost } from './host.js';
import { RateLimitedError } from '../kernel/errors.js';
import { uiRoutes } from './ui.js';
import { newId } from '../kernel/ids.js';
import { installAuthorization } from './authorization.js';
import { installMasking } from './masking.js';
import { openapiOptions } from './openapi.js';
import { frameworkErrorHandler, installProblemHandlers } from './problem.js';
import { tlsPolicy } from './tls.js';
import { strictValidatorCompiler } from './validators.js';

/**
 * Liveness and readiness probes, and Prometheus scrapes: a load balancer or a scraper asks every few seconds, so
 * their lines would drown the log.
 */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const isProbe = (request: FastifyRequest) => PROBES.has(request.url.split('?', 1)[0]!);

/** Logs answered probes at debug; every other request (and a probe that fails) as Fastify does, at info. */
class ProbesAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (isProbe(request)) request.log.debug({ req: request }, 'incoming request');
    else super.incomingRequest(request, reply);
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (isProbe(request) && !error && reply.statusCode < 400)
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else super.requestCompleted(error, request, reply);
  }
}

export interface HttpOptions {
  https?: { cert: Buffer; key: Buffer };
}

/**
 * The HTTP API: HTTPS, security headers, body limit, rate limits per account (or address before login),
 * strict validation, RFC 9457 errors, OpenAPI 3.1 from the route schemas, and default-deny authorisation.
 */
export async function buildHttpApp(host: HttpHost, options: HttpOptions = {}): Promise<FastifyInstance> {
  const { config, logger, permissions } = host.context;
  // Typed, not asserted: Fastify infers its logger type from this option, and routes expect the base one.
  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: baseLogger,
    logController: new ProbesAtDebug(),
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: () => newId(),
    frameworkErrors: frameworkErrorHandler,
    ...(options.https ? { https: { ...options.https, ...tlsPolicy(config.tls) } } : {}),
  });
  app.setValidatorCompiler(strictValidatorCompiler());
  installProblemHandlers(app);
  // Helmet first: its onRequest hook must run before any refusal, so 401, 403, 404 and 429 carry the headers too.
  await app.register(helmet, {
    // The web application's whole policy: its own files only, no inline script or style, no eval, no plugin,
    // no framing; the page talks to this origin only.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
        upgradeInsecureRequests: [],
      },
    },
    hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  // Not global: authorization.ts places the limiter between authentication and authorisation, so that refused
  // and unauthenticated requests are counted too (a preHandler limit never saw them).
  await app.register(rateLimit, { global: false });
  const limit = app.rateLimit({
    max: config.http.rateLimitMax,
    timeWindow: config.http.rateLimitWindowSeconds * 1000,
    // Keyed on the account once logged in: a whole plant may sit behind one NAT address.
    keyGenerator: (request) => (request.actor.kind === 'anonymous' ? `ip:${request.ip}` : `actor:${request.actor.id}`),
    errorResponseBuilder: () => new RateLimitedError(),
  });
  installAuthorization(app, host, limit);
  // Before any route: the hook must cover every route's answer (classified fields masked by clearance).
  installMasking(app, host.context);
  await app.register(swagger, openapiOptions(permissions));
  for (const module of host.modules) module.routes?.(app, host.context);
  registerCommandRoutes(app, host.context);
  uiRoutes(app);
  await app.ready();
  return app;
}
