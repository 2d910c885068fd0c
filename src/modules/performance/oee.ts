/**
 * OEE from machine-state intervals and part counts over one window, in the standard formulation
 * (Nakajima; the oee.com worked example): planned production time excludes planned stops; down time is an
 * availability loss; idle time (small stops) stays in run time and shows as a performance loss. Time the
 * machine's state is not known (no state recorded, or `unknown`/`disconnected`) is reported apart and is
 * neither planned time nor a loss: a gap in the data must not pass for good or bad running.
 * Pure functions, milliseconds in, ratios and minutes out.
 */

export type MachineState = 'running' | 'idle' | 'down' | 'planned-stop' | 'unknown' | 'disconnected';
/**
 * States that say nothing about the machine: `disconnected` (its edge node or device died, or the connection
 * was lost) and `unknown`. Their time, like time no state covers at all, is unknown time.
 */
export const UNKNOWN_STATES: ReadonlySet<MachineState> = new Set(['unknown', 'disconnected']);
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
  /** null: the equipment had no ideal cycle time, so the performance of these parts cannot be judged. */
  idealCycleSeconds: number | null;
  /** Rejects at start-up count as reduced yield; the rest as process defects. */
  startup?: boolean;
}

export interface OeeResult {
  calendarMinutes: number;
  /**
   * Time nobody knows about: covered by no state, or by `unknown`/`disconnected`. Reported apart and kept
   * out of planned time, so a silent machine is neither 100 % available nor charged an availability loss.
   */
  unknownMinutes: number;
  plannedMinutes: number;
  runMinutes: number;
  downMinutes: number;
  total: number;
  good: number;
  /** Parts counted without an ideal cycle time: stored and counted, but their speed cannot be judged. */
  unratedParts: number;
  /** null when no planned time is known (the whole window unknown or planned stops). */
  availability: number | null;
  /** null when some parts have no ideal cycle time (unratedParts > 0). OEE and TEEP are null with either. */
  performance: number | null;
  quality: number;
  oee: number | null;
  /** OEE × utilisation (planned time / known time). */
  teep: number | null;
  /** What makes the figures incomplete, in words (unknown time, unrated parts). */
  warnings: string[];
  /** The six big losses, in minutes of lost fully productive time. */
  losses: {
    breakdowns: number;
    setupAndAdjustments: number;
    smallStops: number;
    /** These three are ideal time, so null when some parts have no ideal cycle time. */
    reducedSpeed: number | null;
    startupRejects: number | null;
    productionRejects: number | null;
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

function warningsOf(unknownMinutes: number, unratedParts: number): string[] {
  const warnings: string[] = [];
  if (unknownMinutes > 0)
    warnings.push(`${unknownMinutes.toFixed(1)} min without data (or disconnected): not counted as planned time.`);
  if (unratedParts > 0)
    warnings.push(`${unratedParts} parts without an ideal cycle time: performance and OEE cannot be computed.`);
  return warnings;
}

export function computeOee(intervals: StateInterval[], counts: CountRecord[], from: number, to: number): OeeResult {
  const calendarMinutes = minutes(to - from);
  const time = (keep: (i: StateInterval) => boolean) => timeIn(intervals, from, to, keep);
  const plannedStop = time((i) => i.state === 'planned-stop');
  const down = time((i) => i.state === 'down');
  const idle = time((i) => i.state === 'idle');
  const setup = time((i) => i.state === 'down' && i.category === 'setup');
  // Run time is what was recorded as running or idle, so a machine that reports nothing is not 100 % available.
  const runMinutes = time((i) => i.state === 'running' || i.state === 'idle');
  const known = plannedStop + down + runMinutes;
  // Unknown: the explicit unknown states plus whatever no interval covers at all.
  const unknownMinutes = Math.max(0, calendarMinutes - known);
  const plannedMinutes = calendarMinutes - plannedStop - unknownMinutes;
  const rated = counts.filter((c) => c.idealCycleSeconds !== null);
  const total = counts.reduce((s, c) => s + c.total, 0);
  const good = counts.reduce((s, c) => s + c.good, 0);
  const unratedParts = total - rated.reduce((s, c) => s + c.total, 0);
  const idealMinutes = (select: (c: CountRecord) => number) =>
    rated.reduce((s, c) => s + (select(c) * c.idealCycleSeconds!) / 60, 0);
  const idealAll = idealMinutes((c) => c.total);
  const availability = plannedMinutes > 0 ? runMinutes / plannedMinutes : null;
  const unrated = unratedParts > 0;
  const performance = unrated ? null : ratio(idealAll, runMinutes);
  // Weighted by ideal time, so that machines with different cycle times add up: OEE stays fully productive
  // time over planned time. With one ideal cycle time (or none known) this is plain good / total.
  const quality = unrated
    ? ratio(good, total)
    : ratio(
        idealMinutes((c) => c.good),
        idealAll,
      );
  const oee = availability === null || performance === null ? null : availability * performance * quality;
  return {
    calendarMinutes,
    unknownMinutes,
    plannedMinutes,
    runMinutes,
    downMinutes: down,
    total,
    good,
    unratedParts,
    availability,
    performance,
    quality,
    oee,
    teep: oee === null ? null : oee * ratio(plannedMinutes, calendarMinutes - unknownMinutes),
    warnings: warningsOf(unknownMinutes, unratedParts),
    losses: {
      breakdowns: down - setup,
      setupAndAdjustments: setup,
      smallStops: idle,
      reducedSpeed: unrated ? null : Math.max(0, runMinutes - idle - idealAll),
      startupRejects: unrated ? null : idealMinutes((c) => (c.startup ? c.total - c.good : 0)),
      productionRejects: unrated ? null : idealMinutes((c) => (c.startup ? 0 : c.total - c.good)),
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
