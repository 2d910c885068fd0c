/** Source of time; injected so tests can pin it. Epoch milliseconds inside, ISO-8601 UTC at the edges. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function toIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
