import { fmt } from '../audit/stats.js';
import type { IngestBenchEnv } from './env.js';
import { withPeakRss, type PeakRss } from './memory.js';
import { measureBare, measureBastion, type RunResult, type RunShape } from './runs.js';

export type Qos = 0 | 1;
export type Best = Record<Qos, RunResult>;

export interface Rounds {
  bastion: Best;
  bare: Best;
  /** The highest RSS seen during a Bastion run, and what it was made of. */
  rss: PeakRss;
  /** The RSS when the first measured Bastion run started. */
  startMb: number;
}

export const line = (label: string, r: RunResult) =>
  console.log(
    `   ${label} QoS ${r.qos}: ${fmt(r.messagesPerSecond)} messages/s, ${fmt(r.valuesPerSecond)} values/s ` +
      `(${fmt(r.messages)} in ${(r.ms / 1000).toFixed(2)} s, CPU ${r.cpuMicrosPerValue.toFixed(1)} µs/value` +
      (r.batches !== undefined && r.batches > 0
        ? `; ${fmt(r.batches)} batches of ${fmt(r.rowsPerBatch!)} rows on average)`
        : ')'),
  );

const better = (a: RunResult | undefined, b: RunResult) => (a && a.messagesPerSecond >= b.messagesPerSecond ? a : b);

/**
 * Bastion and the bare broker, interleaved (Bastion QoS 1, bare QoS 1, Bastion QoS 0, bare QoS 0) for
 * `rounds` rounds, keeping each one's best: other load on the machine comes and goes, and interleaving
 * gives both sides the same chances, so their ratio says more than any single pair of runs.
 */
export async function measureRounds(env: IngestBenchEnv, shape: RunShape, rounds: number): Promise<Rounds> {
  const bastion: Partial<Best> = {};
  const bare: Partial<Best> = {};
  let rss: PeakRss | undefined;
  let startMb: number | undefined;
  for (let round = 1; round <= rounds; round++)
    for (const qos of [1, 0] as const) {
      const measured = await withPeakRss(() => measureBastion(env, qos, shape));
      startMb ??= measured.rss.startMb;
      if (!rss || measured.rss.peakMb > rss.peakMb) rss = measured.rss;
      line(`round ${round} Bastion`, measured.value);
      bastion[qos] = better(bastion[qos], measured.value);
      const relayed = await measureBare(env, qos, shape);
      line(`round ${round} bare   `, relayed);
      bare[qos] = better(bare[qos], relayed);
    }
  return { bastion: bastion as Best, bare: bare as Best, rss: rss!, startMb: startMb! };
}
