import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;

export type OrderSummary = Json<'/api/orders'>['items'][number];
export type Order = Json<'/api/orders/{number}'>;
export type Operation = Order['operations'][number];
export type Plan = Json<'/api/quality/plans'>['plans'][number];
export type Characteristic = Plan['characteristics'][number];

/** The orders an operator works on: dispatched and running, on the given line (or every line in scope). */
export function useWorkOrders(line: string | undefined) {
  return useQuery({
    queryKey: ['operator', 'orders', line ?? ''],
    queryFn: async () => {
      const page = (state: 'running' | 'dispatched') =>
        unwrap(
          api.GET('/api/orders', {
            params: { query: { state, sort: 'due', limit: 50, ...(line !== undefined ? { line } : {}) } },
          }),
        );
      const [running, dispatched] = await Promise.all([page('running'), page('dispatched')]);
      return [...running.items, ...dispatched.items];
    },
    refetchInterval: 30_000,
  });
}

export function useOrder(number: string) {
  return useQuery({
    queryKey: ['operator', 'order', number],
    queryFn: () => unwrap(api.GET('/api/orders/{number}', { params: { path: { number } } })),
  });
}

/** The released definition of a product (the order does not name its version: the latest released one). */
export function useReleasedVersion(product: string) {
  return useQuery({
    queryKey: ['operator', 'versions', product],
    queryFn: async () => {
      const { versions } = await unwrap(
        api.GET('/api/products/{code}/versions', { params: { path: { code: product } } }),
      );
      const released = versions.filter((v) => v.state === 'released').sort((a, b) => b.version - a.version);
      return released[0] ?? null;
    },
  });
}

export function useAttachments(product: string, version: number | undefined) {
  return useQuery({
    queryKey: ['operator', 'attachments', product, version],
    enabled: version !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/api/products/{code}/versions/{version}/attachments', {
          params: { path: { code: product, version: version ?? 0 } },
        }),
      ),
  });
}

export function usePlans() {
  return useQuery({
    queryKey: ['operator', 'plans'],
    queryFn: async () => (await unwrap(api.GET('/api/quality/plans'))).plans,
    staleTime: 300_000,
  });
}
