import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

export const routes = [
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/approvals',
    component: lazyRouteComponent(() => import('./ApprovalsScreen'), 'ApprovalsScreen'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/overrides',
    component: lazyRouteComponent(() => import('./OverridesScreen'), 'OverridesScreen'),
  }),
];
