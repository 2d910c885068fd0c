import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

export type Direction = 'backward' | 'forward';

export interface TraceSearch {
  lot?: string;
  serial?: string;
  direction: Direction;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 60) : undefined;

/** The search lives in the address, so a trace can be bookmarked, shared and opened again as it was. */
export function traceSearch(search: Record<string, unknown>): TraceSearch {
  const lot = text(search.lot);
  const serial = text(search.serial);
  return {
    ...(lot !== undefined && { lot }),
    ...(serial !== undefined && { serial }),
    direction: search.direction === 'backward' ? 'backward' : 'forward',
  };
}

export const routes = [
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/trace',
    validateSearch: traceSearch,
    component: lazyRouteComponent(() => import('./TraceScreen'), 'TraceScreen'),
  }),
];
