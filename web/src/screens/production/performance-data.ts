import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Range } from './search';

export type Oee = paths['/api/performance/oee']['get']['responses'][200]['content']['application/json'];
export type Downtime = paths['/api/performance/downtime']['get']['responses'][200]['content']['application/json'];

const HOUR = 3_600_000;
/** How often the screen looks again: the line runs on, and a supervisor leaves this screen open. */
export const REFRESH_MS = 15_000;

export const RANGE_LABELS: Record<Range, string> = {
  '8h': 'Last 8 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  shift: 'This shift',
};

/** "Now", moving in steps, so that the queries of one step share their keys (and their answers). */
export function useNow(step = REFRESH_MS): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / step) * step);
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / step) * step), step / 3);
    return () => clearInterval(timer);
  }, [step]);
  return now;
}

/** The start of the shift running at `now`: three shifts a day, from 06:00, 14:00 and 22:00 local time. */
export function shiftStart(now: number): number {
  const d = new Date(now);
  const hour = d.getHours();
  const start = hour >= 22 ? 22 : hour >= 14 ? 14 : hour >= 6 ? 6 : -2;
  d.setHours(start, 0, 0, 0);
  return d.getTime();
}

/** The window of a range at `now`; "last8h" is the shift summary's fixed look back. */
export function rangeWindow(range: Range | 'last8h', now: number): { from: number; to: number } {
  if (range === 'shift') return { from: shiftStart(now), to: now };
  const hours = { '8h': 8, last8h: 8, '24h': 24, '7d': 168 }[range];
  return { from: now - hours * HOUR, to: now };
}

export interface Bucket {
  from: number;
  end: number;
  /** The end, or now for the bucket still running. */
  to: number;
}

/**
 * The trend buckets of a range, aligned to whole local hours (so a finished bucket keeps its query key and is
 * not asked for again while the screen refreshes the running one).
 */
export function bucketsOf(range: Range, now: number): Bucket[] {
  const { from } = rangeWindow(range, now);
  const size = { '8h': 1, '24h': 2, '7d': 12, shift: 1 }[range] * HOUR;
  const first = new Date(from);
  first.setMinutes(0, 0, 0);
  first.setHours(first.getHours() - (first.getHours() % (size / HOUR)));
  const buckets: Bucket[] = [];
  for (let start = first.getTime(); start < now; start += size)
    buckets.push({ from: start, end: start + size, to: Math.min(start + size, now) });
  return buckets;
}

const iso = (t: number) => new Date(t).toISOString();

function fetchOee(equipment: string, span: () => { from: number; to: number }) {
  const { from, to } = span();
  return unwrap(api.GET('/api/performance/oee', { params: { query: { equipment, from: iso(from), to: iso(to) } } }));
}

/*
 * Keys name the equipment and the range, not the moment: each refresh replaces the figures in place (no
 * flicker to "loading" every 15 s), and a finished trend bucket is asked for once.
 */
export function useOee(equipment: string, range: Range | 'last8h') {
  return useQuery({
    queryKey: ['performance', 'oee', equipment, range],
    queryFn: () => fetchOee(equipment, () => rangeWindow(range, Date.now())),
    refetchInterval: REFRESH_MS,
    enabled: equipment !== '',
  });
}

export function useOeeEach(equipments: string[], range: Range) {
  return useQueries({
    queries: equipments.map((equipment) => ({
      queryKey: ['performance', 'oee', equipment, range],
      queryFn: () => fetchOee(equipment, () => rangeWindow(range, Date.now())),
      refetchInterval: REFRESH_MS,
    })),
  });
}

export function useTrend(equipment: string, buckets: Bucket[], now: number) {
  return useQueries({
    queries: buckets.map((b) => {
      const running = b.to >= now;
      return {
        queryKey: ['performance', 'oee', equipment, 'bucket', b.from, b.end],
        queryFn: () => fetchOee(equipment, () => ({ from: b.from, to: Math.min(b.end, Date.now()) })),
        // A bucket that has ended does not change any more (counts arrive within seconds of being made).
        staleTime: running ? 0 : Number.POSITIVE_INFINITY,
        refetchInterval: running ? REFRESH_MS : (false as const),
      };
    }),
  });
}

export function useDowntime(equipment: string, range: Range | 'last8h') {
  return useQuery({
    queryKey: ['performance', 'downtime', equipment, range],
    queryFn: () => {
      const { from, to } = rangeWindow(range, Date.now());
      return unwrap(
        api.GET('/api/performance/downtime', { params: { query: { equipment, from: iso(from), to: iso(to) } } }),
      );
    },
    refetchInterval: REFRESH_MS,
    enabled: equipment !== '',
  });
}

/** A ratio as a percentage with one decimal; null (cannot be computed) as "n/a". */
export const percent = (ratio: number | null | undefined) =>
  ratio === null || ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(1)}\u00a0%`;

export const minutes = (value: number) => `${value.toFixed(1)}\u00a0min`;

/** A time on the chart's axis, in the person's own time zone. */
export function timeLabel(t: number, range: Range): string {
  const d = new Date(t);
  return range === '7d'
    ? d.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
