/**
 * The search parameters of the production screens, checked on the way in: a hand-edited or stale URL yields
 * the default instead of a broken screen, and the filters a person chose survive a reload or a shared link.
 */
export const ORDER_STATES = ['created', 'released', 'dispatched', 'running', 'completed', 'closed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const PAGE_SIZES = [10, 25, 50, 100] as const;

export interface OrderSearch {
  state?: OrderState;
  line?: string;
  product?: string;
  /** Due dates as the date input gives them (YYYY-MM-DD, the person's own day). */
  dueFrom?: string;
  dueBefore?: string;
  limit?: number;
}

const text = (value: unknown, pattern: RegExp): string | undefined =>
  typeof value === 'string' && pattern.test(value) ? value : undefined;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function orderSearch(raw: Record<string, unknown>): OrderSearch {
  const search: OrderSearch = {};
  if (ORDER_STATES.includes(raw.state as OrderState)) search.state = raw.state as OrderState;
  const line = text(raw.line, /^\/[a-z0-9._/-]{0,299}$/);
  if (line !== undefined) search.line = line;
  const product = text(raw.product, /^[A-Za-z0-9._-]{1,40}$/);
  if (product !== undefined) search.product = product;
  const dueFrom = text(raw.dueFrom, DAY);
  if (dueFrom !== undefined) search.dueFrom = dueFrom;
  const dueBefore = text(raw.dueBefore, DAY);
  if (dueBefore !== undefined) search.dueBefore = dueBefore;
  const limit = Number(raw.limit);
  if ((PAGE_SIZES as readonly number[]).includes(limit)) search.limit = limit;
  return search;
}

export const RANGES = ['8h', '24h', '7d', 'shift'] as const;
export type Range = (typeof RANGES)[number];

export interface PerformanceSearch {
  equipment?: string;
  range?: Range;
}

export function performanceSearch(raw: Record<string, unknown>): PerformanceSearch {
  const search: PerformanceSearch = {};
  const equipment = text(raw.equipment, /^\/[a-z0-9._/-]{0,299}$/);
  if (equipment !== undefined) search.equipment = equipment;
  if (RANGES.includes(raw.range as Range)) search.range = raw.range as Range;
  return search;
}
