import { createRoute, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, 80) : undefined;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  allowed.find((a) => a === value);

export interface SpcSearch {
  plan?: string | undefined;
  characteristic?: string | undefined;
}
export interface NcrSearch {
  ncr?: string | undefined;
  state?: 'open' | 'closed' | undefined;
}
export interface LotSearch {
  lot?: string | undefined;
  state?: 'available' | 'held' | 'consumed' | 'scrapped' | undefined;
}

/** Quality: one layout (title and section links), each section its own address so a link can be shared. */
export const qualityRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/quality',
  component: lazyRouteComponent(() => import('./QualityLayout'), 'QualityLayout'),
});

const index = createRoute({
  getParentRoute: () => qualityRoute,
  path: '/',
  beforeLoad: () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router's redirect is thrown
    throw redirect({ to: '/quality/plans' });
  },
});

const plans = createRoute({
  getParentRoute: () => qualityRoute,
  path: 'plans',
  component: lazyRouteComponent(() => import('./PlansScreen'), 'PlansScreen'),
});

const inspections = createRoute({
  getParentRoute: () => qualityRoute,
  path: 'inspections',
  component: lazyRouteComponent(() => import('./InspectionsScreen'), 'InspectionsScreen'),
});

export const spcRoute = createRoute({
  getParentRoute: () => qualityRoute,
  path: 'spc',
  validateSearch: (search: Record<string, unknown>): SpcSearch => ({
    plan: text(search.plan),
    characteristic: text(search.characteristic),
  }),
  component: lazyRouteComponent(() => import('./SpcScreen'), 'SpcScreen'),
});

export const ncrsRoute = createRoute({
  getParentRoute: () => qualityRoute,
  path: 'ncrs',
  validateSearch: (search: Record<string, unknown>): NcrSearch => ({
    ncr: text(search.ncr),
    state: oneOf(search.state, ['open', 'closed'] as const),
  }),
  component: lazyRouteComponent(() => import('./NcrsScreen'), 'NcrsScreen'),
});

export const lotsRoute = createRoute({
  getParentRoute: () => qualityRoute,
  path: 'lots',
  validateSearch: (search: Record<string, unknown>): LotSearch => ({
    lot: text(search.lot),
    state: oneOf(search.state, ['available', 'held', 'consumed', 'scrapped'] as const),
  }),
  component: lazyRouteComponent(() => import('./LotsScreen'), 'LotsScreen'),
});

export const routes = [qualityRoute.addChildren([index, plans, inspections, spcRoute, ncrsRoute, lotsRoute])];
