import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

export type PlantNode = paths['/api/plant']['get']['responses'][200]['content']['application/json']['nodes'][number];
export type Material =
  paths['/api/materials']['get']['responses'][200]['content']['application/json']['materials'][number];

/** The plant hierarchy (lines to dispatch to, machines to look at); it changes rarely, so it is cached a while. */
export function usePlant() {
  return useQuery({
    queryKey: ['plant'],
    queryFn: async () => (await unwrap(api.GET('/api/plant'))).nodes.filter((n) => !n.retired),
    staleTime: 5 * 60_000,
  });
}

/** Materials an order can make (raw materials are bought, not made). */
export function useProducts(enabled: boolean) {
  return useQuery({
    queryKey: ['materials'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/materials'))).materials.filter((m) => m.kind !== 'raw' && !m.retired),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** Places an order can be dispatched to: lines and process cells. */
export const linesOf = (nodes: PlantNode[]) => nodes.filter((n) => n.level === 'line' || n.level === 'process-cell');

/** The machines (equipment) somewhere under a place. */
export const machinesUnder = (nodes: PlantNode[], path: string) =>
  nodes.filter((n) => n.level === 'equipment' && n.path.startsWith(`${path}/`));

export const labelOf = (node: PlantNode) => `${node.name} (${node.path})`;

/** Order states as words and a tone; the word is always written, so colour is never the only signal. */
export const STATE_TONE: Record<string, 'good' | 'bad' | 'warn' | 'neutral'> = {
  created: 'neutral',
  released: 'warn',
  dispatched: 'warn',
  running: 'good',
  completed: 'good',
  closed: 'neutral',
};
