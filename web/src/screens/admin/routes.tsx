import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';
import { Empty } from '../../ui/controls';
import { Screen } from '../../ui/page';

// Placeholder screens of this area, replaced by the area's own screens.
const soon = (title: string) => () => (
  <Screen title={title}>
    <Empty title="Not built yet" hint="This screen is being built." />
  </Screen>
);

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
  // Other areas' screens; kept last so their own branches replace these lines cleanly.
  createRoute({ getParentRoute: () => shellRoute, path: '/admin/approvals', component: soon('Approvals') }),
  createRoute({ getParentRoute: () => shellRoute, path: '/admin/terminals', component: soon('Terminals') }),
];
