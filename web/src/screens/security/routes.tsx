import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

export const SECURITY_TABS = ['overview', 'alerts', 'incidents', 'rules', 'backups'] as const;
export type SecurityTab = (typeof SECURITY_TABS)[number];

/** The tab lives in the address, so a link can open the security center on its alerts or its incidents. */
export const securityCenterRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/security/center',
  validateSearch: (search: Record<string, unknown>): { tab: SecurityTab } => ({
    tab: SECURITY_TABS.includes(search.tab as SecurityTab) ? (search.tab as SecurityTab) : 'overview',
  }),
  component: lazyRouteComponent(() => import('./SecurityCenter'), 'SecurityCenter'),
});

export const incidentRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/security/incidents/$id',
  component: lazyRouteComponent(() => import('./IncidentScreen'), 'IncidentScreen'),
});

export const routes = [securityCenterRoute, incidentRoute];
