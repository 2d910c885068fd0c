import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Plan = Json<'/api/quality/plans', 'get'>['plans'][number];
export type Characteristic = Plan['characteristics'][number];
export type Ncr = Json<'/api/quality/ncrs', 'get'>['items'][number];
export type Inspection = Json<'/api/quality/inspections', 'get'>['items'][number];
export type Lot = Json<'/api/lots', 'get'>['items'][number];
export type SpcChart = Json<'/api/quality/spc', 'get'>;

/** What each area's mutations invalidate: a hold, a disposition or an inspection changes lots and NCRs. */
export const KEYS = {
  plans: ['quality', 'plans'] as const,
  inspections: ['quality', 'inspections'] as const,
  ncrs: ['quality', 'ncrs'] as const,
  spc: ['quality', 'spc'] as const,
  lots: ['quality', 'lots'] as const,
};

export function usePlans() {
  return useQuery({
    queryKey: KEYS.plans,
    queryFn: async () => (await unwrap(api.GET('/api/quality/plans'))).plans,
  });
}
