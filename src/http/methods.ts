import type { RouteEntry } from './authorization.js';

/** A route URL as fastify writes it (`/api/users/:id`, `/ui/*`) turned into a pattern over a concrete path. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The methods registered for a path, so that a request with another method gets 405 with an Allow header
 * (RFC 9110 §15.5.6) instead of 404, which would claim the resource does not exist. HEAD rides with GET.
 */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set(routes.filter((route) => patternOf(route.url).test(path)).map((route) => route.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
