/**
 * Shewhart control charts for one characteristic: X̄/R for subgroups of 2–10, individuals/moving range for
 * single values, with the Western Electric run rules. Pure functions: no I/O, so a textbook example can check
 * them exactly.
 */

/** Control-chart constants for subgroup size n (ASTM / Montgomery, Appendix VI). */
const CONSTANTS: Record<number, { a2: number; d3: number; d4: number }> = {
  2: { a2: 1.88, d3: 0, d4: 3.267 },
  3: { a2: 1.023, d3: 0, d4: 2.574 },
  4: { a2: 0.729, d3: 0, d4: 2.282 },
  5: { a2: 0.577, d3: 0, d4: 2.114 },
  6: { a2: 0.483, d3: 0, d4: 2.004 },
  7: { a2: 0.419, d3: 0.076, d4: 1.924 },
  8: { a2: 0.373, d3: 0.136, d4: 1.864 },
  9: { a2: 0.337, d3: 0.184, d4: 1.816 },
  10: { a2: 0.308, d3: 0.223, d4: 1.777 },
};
/** 3 / d2(2): individuals limits from the average moving range of two consecutive values. */
const E2 = 2.66;

export interface Limits {
  center: number;
  upper: number;
  lower: number;
}

export interface RuleViolation {
  /** 1: beyond 3σ; 2: 2 of 3 beyond 2σ; 3: 4 of 5 beyond 1σ; 4: 8 in a row on one side (all same side). */
  rule: 1 | 2 | 3 | 4;
  chart: 'location' | 'dispersion';
  /** 1-based number of the point that completes the pattern. */
  point: number;
  side: 'above' | 'below';
}

export interface ControlChart {
  kind: 'xbar-r' | 'individuals-mr';
  subgroupSize: number;
  /** Subgroups used to compute the limits (phase I); later points are judged against them (phase II). */
  baseline: number;
  /** Plotted points: subgroup means (or single values) and ranges (or moving ranges; none for the first value). */
  points: { location: number; dispersion: number | null }[];
  location: Limits;
  dispersion: Limits;
  violations: RuleViolation[];
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export function controlChart(subgroups: number[][], baseline = subgroups.length): ControlChart {
  const n = subgroups[0]?.length ?? 0;
  if (subgroups.some((s) => s.length !== n)) throw new RangeError('All subgroups must have the same size.');
  if (n < 1 || n > 10) throw new RangeError('Subgroup size must be 1 to 10.');
  const used = Math.min(Math.max(baseline, 2), subgroups.length);
  if (subgroups.length < 2) throw new RangeError('A control chart needs at least two subgroups.');
  return n === 1
    ? individuals(
        subgroups.map((s) => s[0]!),
        used,
      )
    : xbarR(subgroups, n, used);
}

function xbarR(subgroups: number[][], n: number, baseline: number): ControlChart {
  const { a2, d3, d4 } = CONSTANTS[n]!;
  const points = subgroups.map((s) => ({ location: mean(s), dispersion: Math.max(...s) - Math.min(...s) }));
  const phase1 = points.slice(0, baseline);
  const grand = mean(phase1.map((p) => p.location));
  const rBar = mean(phase1.map((p) => p.dispersion));
  const location = { center: grand, upper: grand + a2 * rBar, lower: grand - a2 * rBar };
  const dispersion = { center: rBar, upper: d4 * rBar, lower: d3 * rBar };
  return chart('xbar-r', n, baseline, points, location, dispersion);
}

function individuals(values: number[], baseline: number): ControlChart {
  const points = values.map((value, i) => ({
    location: value,
    dispersion: i === 0 ? null : Math.abs(value - values[i - 1]!),
  }));
  const center = mean(values.slice(0, baseline));
  const mrBar = mean(points.slice(1, baseline).map((p) => p.dispersion!));
  const location = { center, upper: center + E2 * mrBar, lower: center - E2 * mrBar };
  const dispersion = { center: mrBar, upper: CONSTANTS[2]!.d4 * mrBar, lower: 0 };
  return chart('individuals-mr', 1, baseline, points, location, dispersion);
}

function chart(
  kind: ControlChart['kind'],
  subgroupSize: number,
  baseline: number,
  points: ControlChart['points'],
  location: Limits,
  dispersion: Limits,
): ControlChart {
  const violations = [
    ...westernElectric(
      points.map((p) => p.location),
      location,
    ),
    ...dispersionViolations(points, dispersion),
  ].sort((a, b) => (a.point !== b.point ? a.point - b.point : a.rule - b.rule));
  return { kind, subgroupSize, baseline, points, location, dispersion, violations };
}

/** The four Western Electric rules: [rule, window, hits needed, sigmas]. */
const RULES = [
  [1, 1, 1, 3],
  [2, 3, 2, 2],
  [3, 5, 4, 1],
  [4, 8, 8, 0],
] as const;

/**
 * A point violates a rule when it is itself beyond the rule's zone and, with the points before it in the
 * window, makes up the rule's count on the same side of the center line.
 */
export function westernElectric(values: number[], limits: Limits): RuleViolation[] {
  const sigma = (limits.upper - limits.center) / 3;
  const violations: RuleViolation[] = [];
  for (const [rule, window, needed, sigmas] of RULES) {
    for (const side of ['above', 'below'] as const) {
      const beyond = (v: number) =>
        side === 'above' ? v - limits.center > sigmas * sigma : limits.center - v > sigmas * sigma;
      values.forEach((value, i) => {
        if (!beyond(value) || i + 1 < window) return;
        const hits = values.slice(i + 1 - window, i + 1).filter(beyond).length;
        if (hits >= needed) violations.push({ rule, chart: 'location', point: i + 1, side });
      });
    }
  }
  return violations;
}

function dispersionViolations(points: ControlChart['points'], limits: Limits): RuleViolation[] {
  const violations: RuleViolation[] = [];
  points.forEach((p, i) => {
    if (p.dispersion === null) return;
    if (p.dispersion > limits.upper) violations.push({ rule: 1, chart: 'dispersion', point: i + 1, side: 'above' });
    if (p.dispersion < limits.lower) violations.push({ rule: 1, chart: 'dispersion', point: i + 1, side: 'below' });
  });
  return violations;
}
