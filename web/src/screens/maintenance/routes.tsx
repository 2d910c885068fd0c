import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

export type OrderState = 'open' | 'in-progress' | 'completed';
export interface BacklogSearch {
  state?: OrderState;
  equipment?: string;
}

const STATES: readonly string[] = ['open', 'in-progress', 'completed'];
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Filters live in the address, so a filtered backlog can be bookmarked or sent to a colleague. */
export const backlogRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/maintenance',
  validateSearch: (search: Record<string, unknown>): BacklogSearch => {
    const state = text(search.state);
    const equipment = text(search.equipment);
    return {
      ...(state !== undefined && STATES.includes(state) ? { state: state as OrderState } : {}),
      ...(equipment !== undefined ? { equipment } : {}),
    };
  },
  component: lazyRouteComponent(() => import('./BacklogScreen'), 'BacklogScreen'),
});

export const plansRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/maintenance/plans',
  component: lazyRouteComponent(() => import('./PlansScreen'), 'PlansScreen'),
});

export const historyRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/maintenance/history',
  validateSearch: (search: Record<string, unknown>): { equipment?: string } => {
    const equipment = text(search.equipment);
    return equipment !== undefined ? { equipment } : {};
  },
  component: lazyRouteComponent(() => import('./HistoryScreen'), 'HistoryScreen'),
});

export const routes = [backlogRoute, plansRoute, historyRoute];
