import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';

export type Outcome = 'success' | 'denied' | 'failed' | 'error';
const OUTCOMES: readonly string[] = ['success', 'denied', 'failed', 'error'];

export interface AuditSearch {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: Outcome;
  /** Local date-time text as typed in the filter (datetime-local), turned into UTC for the server. */
  from?: string;
  to?: string;
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;

/** The filters live in the address, so an auditor can bookmark or hand on a query. */
export function auditSearch(search: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  const actor = text(search.actor, 64);
  const action = text(search.action, 100);
  const target = text(search.target, 64);
  const from = text(search.from, 30);
  const to = text(search.to, 30);
  if (actor !== undefined) out.actor = actor;
  if (action !== undefined) out.action = action;
  if (target !== undefined) out.target = target;
  if (typeof search.outcome === 'string' && OUTCOMES.includes(search.outcome)) out.outcome = search.outcome as Outcome;
  if (from !== undefined) out.from = from;
  if (to !== undefined) out.to = to;
  return out;
}

const auditRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/audit',
  validateSearch: auditSearch,
  component: lazyRouteComponent(() => import('./AuditLog'), 'AuditLog'),
});

export const auditRecordRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/audit/$seq',
  component: lazyRouteComponent(() => import('./AuditRecord'), 'AuditRecord'),
});

export const routes = [auditRoute, auditRecordRoute];
