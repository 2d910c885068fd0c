import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';
const TABS = ['devices', 'quarantine', 'events', 'opcua'] as const;
type Tab = (typeof TABS)[number];

export const routes = [
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/users',
    component: lazyRouteComponent(() => import('./UsersScreen'), 'UsersScreen'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/users/$id',
    component: lazyRouteComponent(() => import('./UserScreen'), 'UserScreen'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/access',
    component: lazyRouteComponent(() => import('./AccessScreen'), 'AccessScreen'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/admin/plant',
    component: lazyRouteComponent(() => import('./PlantScreen'), 'PlantScreen'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/security/devices',
    validateSearch: (search: Record<string, unknown>): { tab: Tab } => ({
      tab: TABS.includes(search.tab as Tab) ? (search.tab as Tab) : 'devices',
    }),
    component: lazyRouteComponent(() => import('./DevicesScreen'), 'DevicesScreen'),
  }),
];
