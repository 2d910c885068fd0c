/** A seeded pseudo-random generator (mulberry32): the demo's measured values are the same on every seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A normally distributed value (Box–Muller), clamped to [min, max] and rounded to `decimals`. */
export function normal(
  random: () => number,
  mean: number,
  sd: number,
  bounds: { min: number; max: number; decimals: number },
): number {
  const u = 1 - random();
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  const value = Math.min(bounds.max, Math.max(bounds.min, mean + sd * z));
  const factor = 10 ** bounds.decimals;
  return Math.round(value * factor) / factor;
}
