import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { rootRoute, shellRoute } from '../../router/root';

export const routes = [
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/operate',
    component: lazyRouteComponent(() => import('./Operate'), 'Operate'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/terminals',
    component: lazyRouteComponent(() => import('./AdminTerminals'), 'AdminTerminals'),
  }),
];

/** The registered shop-floor terminal: its own page outside the shell (badge and PIN sign-in, the outbox). */
export const terminalRoutes = [
  createRoute({
    getParentRoute: () => rootRoute,
    path: '/terminal',
    component: lazyRouteComponent(() => import('./Terminal'), 'Terminal'),
  }),
];
