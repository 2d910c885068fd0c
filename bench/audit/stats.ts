/** Small statistics and formatting helpers shared by the audit bench sections. */

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: always a value that was actually observed. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new RangeError('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const rate = (count: number, ms: number): number => count / (ms / 1000);

/** 12,345 style, so large counts and rates read at a glance. */
export const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

export const fmtMs = (ms: number): string => `${ms.toFixed(ms < 10 ? 3 : 1)} ms`;

export const goal = (value: number, target: number): string =>
  `${value.toFixed(2)} (goal >= ${target}: ${value >= target ? 'met' : 'NOT met'})`;

/** Deterministic pseudo-random integers (xorshift32), so runs pick the same seqs and stay comparable. */
export function seededInts(seed: number): (maxInclusive: number) => number {
  // xorshift stays at 0 forever: a zero seed starts from 1.
  let state = seed >>> 0 === 0 ? 1 : seed >>> 0;
  return (maxInclusive) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return 1 + (state % maxInclusive);
  };
}
