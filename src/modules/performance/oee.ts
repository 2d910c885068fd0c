/**
 * OEE from machine-state intervals and part counts over one window, in the standard formulation
 * (Nakajima; the oee.com worked example): planned production time excludes planned stops; down time is an
 * availability loss; idle time (small stops) stays in run time and shows as a performance loss.
 * Pure functions, milliseconds in, ratios and minutes out.
 */

/** `disconnected`: the machine's edge node or connection went away (ingest); no data, so no run time. */
export type MachineState = 'running' | 'idle' | 'down' | 'planned-stop' | 'disconnected';
export type DownCategory = 'breakdown' | 'setup';

export interface StateInterval {
  state: MachineState;
  category?: DownCategory | null;
  reason?: string | null;
  from: number;
  to: number;
}

export interface CountRecord {
  total: number;
  good: number;
  idealCycleSeconds: number;
  /** Rejects at start-up count as reduced yield; the rest as process defects. */
  startup?: boolean;
}

export interface OeeResult {
  calendarMinutes: number;
  plannedMinutes: number;
  runMinutes: number;
  downMinutes: number;
  /** Planned time with no state recorded (a machine not reporting): an availability loss, shown apart. */
  noDataMinutes: number;
  total: number;
  good: number;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  /** OEE × utilisation (planned time / all time). */
  teep: number;
  /** The six big losses, in minutes of lost fully productive time. */
  losses: {
    breakdowns: number;
    setupAndAdjustments: number;
    smallStops: number;
    reducedSpeed: number;
    startupRejects: number;
    productionRejects: number;
  };
}

const minutes = (ms: number) => ms / 60_000;
const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Clips intervals to [from, to) and sums their minutes per state (and per down category). */
function timeIn(intervals: StateInterval[], from: number, to: number, keep: (i: StateInterval) => boolean) {
  return minutes(
    intervals.filter(keep).reduce((sum, i) => sum + Math.max(0, Math.min(i.to, to) - Math.max(i.from, from)), 0),
  );
}

export function computeOee(intervals: StateInterval[], counts: CountRecord[], from: number, to: number): OeeResult {
  const calendarMinutes = minutes(to - from);
  const plannedStop = timeIn(intervals, from, to, (i) => i.state === 'planned-stop');
  const down = timeIn(intervals, from, to, (i) => i.state === 'down');
  const idle = timeIn(intervals, from, to, (i) => i.state === 'idle');
  const setup = timeIn(intervals, from, to, (i) => i.state === 'down' && i.category === 'setup');
  const plannedMinutes = calendarMinutes - plannedStop;
  // Run time is what was recorded as running or idle, so a machine that reports nothing is not 100 % available.
  const runMinutes = timeIn(intervals, from, to, (i) => i.state === 'running' || i.state === 'idle');
  const noDataMinutes = Math.max(0, plannedMinutes - runMinutes - down);
  const total = counts.reduce((s, c) => s + c.total, 0);
  const good = counts.reduce((s, c) => s + c.good, 0);
  const idealMinutes = (select: (c: CountRecord) => number) =>
    counts.reduce((s, c) => s + (select(c) * c.idealCycleSeconds) / 60, 0);
  const idealAll = idealMinutes((c) => c.total);
  const availability = ratio(runMinutes, plannedMinutes);
  const performance = ratio(idealAll, runMinutes);
  // Weighted by ideal time, so that machines with different cycle times add up: OEE stays fully productive
  // time over planned time. With one ideal cycle time this is plain good / total.
  const quality = ratio(
    idealMinutes((c) => c.good),
    idealAll,
  );
  const oee = availability * performance * quality;
  return {
    calendarMinutes,
    plannedMinutes,
    runMinutes,
    downMinutes: down,
    noDataMinutes,
    total,
    good,
    availability,
    performance,
    quality,
    oee,
    teep: oee * ratio(plannedMinutes, calendarMinutes),
    losses: {
      breakdowns: down - setup,
      setupAndAdjustments: setup,
      smallStops: idle,
      reducedSpeed: Math.max(0, runMinutes - idle - idealAll),
      startupRejects: idealMinutes((c) => (c.startup ? c.total - c.good : 0)),
      productionRejects: idealMinutes((c) => (c.startup ? 0 : c.total - c.good)),
    },
  };
}

export interface ParetoBar {
  reason: string;
  minutes: number;
  stops: number;
  cumulativeShare: number;
}

/** Down time by reason, largest first, with the cumulative share (the 80/20 line of a Pareto chart). */
export function downtimePareto(intervals: StateInterval[], from: number, to: number): ParetoBar[] {
  const byReason = new Map<string, { minutes: number; stops: number }>();
  for (const i of intervals) {
    if (i.state !== 'down') continue;
    const length = minutes(Math.max(0, Math.min(i.to, to) - Math.max(i.from, from)));
    if (length === 0) continue;
    const bar = byReason.get(i.reason ?? 'unspecified') ?? { minutes: 0, stops: 0 };
    bar.minutes += length;
    bar.stops += 1;
    byReason.set(i.reason ?? 'unspecified', bar);
  }
  const bars = [...byReason].map(([reason, b]) => ({ reason, ...b })).sort((a, b) => b.minutes - a.minutes);
  const sum = bars.reduce((s, b) => s + b.minutes, 0);
  let running = 0;
  return bars.map((b) => ({ ...b, cumulativeShare: ratio((running += b.minutes), sum) }));
}
