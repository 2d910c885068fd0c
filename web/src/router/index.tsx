import { createRouter } from '@tanstack/react-router';
import { rootRoute, shellRoute } from './root';
import { routes as account } from '../screens/account/routes';
import { routes as admin } from '../screens/admin/routes';
import { routes as approvals } from '../screens/approvals/routes';
import { routes as audit } from '../screens/audit/routes';
import { routes as home } from '../screens/home/routes';
import { routes as maintenance } from '../screens/maintenance/routes';
import { routes as operator, terminalRoutes } from '../screens/operator/routes';
import { routes as production } from '../screens/production/routes';
import { routes as quality } from '../screens/quality/routes';
import { routes as recipes } from '../screens/recipes/routes';
import { routes as security } from '../screens/security/routes';
import { routes as trace } from '../screens/trace/routes';
import { NotFound } from './not-found';

const tree = rootRoute.addChildren([
  ...terminalRoutes,
  shellRoute.addChildren([
    ...home,
    ...account,
    ...operator,
    ...production,
    ...quality,
    ...maintenance,
    ...recipes,
    ...trace,
    ...audit,
    ...admin,
    ...approvals,
    ...security,
  ]),
]);

export const router = createRouter({ routeTree: tree, defaultNotFoundComponent: NotFound, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
