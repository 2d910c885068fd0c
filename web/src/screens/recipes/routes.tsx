import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

const positive = (value: unknown): number | undefined => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export interface DetailSearch {
  /** The version shown with its parameters. */
  version?: number | undefined;
  /** The versions compared side by side. */
  from?: number | undefined;
  to?: number | undefined;
}

export const routes = [
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/recipes',
    component: lazyRouteComponent(() => import('./RecipeList'), 'RecipeList'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/recipes/approvals',
    component: lazyRouteComponent(() => import('./ApprovalQueue'), 'ApprovalQueue'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/recipes/orders',
    validateSearch: (search: Record<string, unknown>): { order?: string | undefined } => ({
      order: typeof search.order === 'string' && search.order !== '' ? search.order : undefined,
    }),
    component: lazyRouteComponent(() => import('./OrderRecipes'), 'OrderRecipes'),
  }),
  createRoute({
    getParentRoute: () => shellRoute,
    path: '/recipes/$code',
    validateSearch: (search: Record<string, unknown>): DetailSearch => ({
      version: positive(search.version),
      from: positive(search.from),
      to: positive(search.to),
    }),
    component: lazyRouteComponent(() => import('./RecipeDetail'), 'RecipeDetail'),
  }),
];
