import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

export type Trace = paths['/api/lots/{number}/trace']['get']['responses'][200]['content']['application/json'];
export type TracedLot = Trace['lots'][number];
export type LotDetail = paths['/api/lots/{number}']['get']['responses'][200]['content']['application/json'];

export const lotDetail = (number: string) => unwrap(api.GET('/api/lots/{number}', { params: { path: { number } } }));

export const lotTrace = (number: string, direction: 'backward' | 'forward') =>
  unwrap(api.GET('/api/lots/{number}/trace', { params: { path: { number }, query: { direction, format: 'json' } } }));

export const lotOfSerial = (serial: string) =>
  unwrap(api.GET('/api/serials/{serial}', { params: { path: { serial } } }));

export const lotsStartingWith = (prefix: string) =>
  unwrap(api.GET('/api/lots', { params: { query: { prefix, limit: 10 } } }));
