import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';
import { orderSearch, performanceSearch } from './search';

export const ordersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orders',
  validateSearch: orderSearch,
  component: lazyRouteComponent(() => import('./OrdersScreen'), 'OrdersScreen'),
});

export const orderRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orders/$number',
  component: lazyRouteComponent(() => import('./OrderScreen'), 'OrderScreen'),
});

export const performanceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/performance',
  validateSearch: performanceSearch,
  component: lazyRouteComponent(() => import('./PerformanceScreen'), 'PerformanceScreen'),
});

export const routes = [ordersRoute, orderRoute, performanceRoute];
