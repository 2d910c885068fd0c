import { fmt, goal, median, rate } from '../audit/stats.js';
import { TARGETS, type Send, type Target } from './clients.js';

export const REQUESTS_PER_ROUND = 3000;
export const ROUNDS = 5;
const WARM_UP = 1000;
export const RATIO_GOAL = 0.7;

type Key = Target['key'];

/** Requests one after another, as a single client would send them; returns requests per second. */
async function runRequests(send: Send, target: Target, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const status = await send();
    if (status !== 200) throw new Error(`${target.label} answered ${status}, expected 200`);
  }
  return rate(count, performance.now() - start);
}

export interface SectionResult {
  rates: Record<Key, number[]>;
  medians: Record<Key, number>;
  /** Median rate of each authenticated request over the anonymous baseline's. */
  ratios: { healthzBearer: number; me: number; users: number };
}

const perKey = <T>(make: (key: Key) => T) =>
  Object.fromEntries(TARGETS.map((t) => [t.key, make(t.key)])) as Record<Key, T>;

/**
 * Warm-up for every target, then ROUNDS rounds of REQUESTS_PER_ROUND per target; the order rotates each
 * round, so drift (other load, a growing database, the JIT) is spread over all of them.
 */
export async function measureSection(senders: Record<Key, Send>): Promise<SectionResult> {
  for (const target of TARGETS) await runRequests(senders[target.key], target, WARM_UP);
  const rates = perKey<number[]>(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
    for (const target of order)
      rates[target.key].push(await runRequests(senders[target.key], target, REQUESTS_PER_ROUND));
    const line = TARGETS.map((t) => `${t.key} ${fmt(rates[t.key][round]!)}`).join(', ');
    console.log(`   round ${round + 1}: ${line} requests/s`);
  }
  const medians = perKey((key) => median(rates[key]));
  const ratios = {
    healthzBearer: medians.healthzBearer / medians.healthz,
    me: medians.me / medians.healthz,
    users: medians.users / medians.healthz,
  };
  const baseline = medians.healthz;
  for (const target of TARGETS) {
    const m = medians[target.key];
    const perRequestUs = (1e6 / m).toFixed(0);
    const extra = target.key === 'healthz' ? '' : `, +${(1e6 / m - 1e6 / baseline).toFixed(0)} us over the baseline`;
    console.log(
      `   median ${target.label.padEnd(26)} ${fmt(m).padStart(7)} requests/s (${perRequestUs} us each${extra})`,
    );
  }
  console.log(`   ratio /healthz + bearer / anonymous: ${ratios.healthzBearer.toFixed(2)} (authentication alone)`);
  console.log(`   ratio /api/auth/me / anonymous:      ${goal(ratios.me, RATIO_GOAL)}`);
  console.log(`   ratio /api/users / anonymous:        ${goal(ratios.users, RATIO_GOAL)}`);
  return { rates, medians, ratios };
}
