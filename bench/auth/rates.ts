import { fmt, goal, median, rate } from '../audit/stats.js';
import { TARGETS, type Send, type Target } from './clients.js';

/** Sequential requests per target and round (BASTION_BENCH_REQUESTS, default 3,000): smaller while iterating. */
export const REQUESTS_PER_ROUND = positive('BASTION_BENCH_REQUESTS', 3000);
export const ROUNDS = 5;
const WARM_UP = Math.min(1000, REQUESTS_PER_ROUND);
export const RATIO_GOAL = 0.7;

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

type Key = Target['key'];

interface Run {
  /** Requests per second (wall clock). */
  rate: number;
  /** This process's CPU time (user + system) per request, in microseconds: steadier than wall clock under load. */
  cpuUs: number;
}

/** Requests one after another, as a single client would send them. */
async function runRequests(send: Send, target: Target, count: number): Promise<Run> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const status = await send();
    if (status !== 200) throw new Error(`${target.label} answered ${status}, expected 200`);
  }
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: rate(count, wall), cpuUs: (used.user + used.system) / count };
}

type Ratios = { healthzBearer: number; me: number; users: number };

export interface SectionResult {
  rates: Record<Key, number[]>;
  medians: Record<Key, number>;
  /** Median rate of each authenticated request over the anonymous baseline's. */
  ratios: Ratios;
  /** Median CPU microseconds per request of this process (the database server's own CPU is not in it). */
  cpuUs: Record<Key, number>;
  /** The anonymous baseline's CPU per request over each authenticated one's: the ratio with less noise. */
  cpuRatios: Ratios;
}

const perKey = <T>(make: (key: Key) => T) =>
  Object.fromEntries(TARGETS.map((t) => [t.key, make(t.key)])) as Record<Key, T>;

const ratiosOf = (baseline: number, of: (key: Key) => number): Ratios => ({
  healthzBearer: of('healthzBearer') / baseline,
  me: of('me') / baseline,
  users: of('users') / baseline,
});

/**
 * Warm-up for every target, then ROUNDS rounds of REQUESTS_PER_ROUND per target; the order rotates each
 * round, so drift (other load, a growing database, the JIT) is spread over all of them.
 */
export async function measureSection(senders: Record<Key, Send>): Promise<SectionResult> {
  for (const target of TARGETS) await runRequests(senders[target.key], target, WARM_UP);
  const runs = perKey<Run[]>(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
    for (const target of order)
      runs[target.key].push(await runRequests(senders[target.key], target, REQUESTS_PER_ROUND));
    const line = TARGETS.map((t) => `${t.key} ${fmt(runs[t.key][round]!.rate)}`).join(', ');
    console.log(`   round ${round + 1}: ${line} requests/s`);
  }
  const rates = perKey((key) => runs[key].map((r) => r.rate));
  const medians = perKey((key) => median(rates[key]));
  const cpuUs = perKey((key) => median(runs[key].map((r) => r.cpuUs)));
  const ratios = ratiosOf(medians.healthz, (key) => medians[key]);
  const cpuRatios = ratiosOf(1, (key) => cpuUs.healthz / cpuUs[key]);
  const baseline = medians.healthz;
  for (const target of TARGETS) {
    const m = medians[target.key];
    const perRequestUs = (1e6 / m).toFixed(0);
    const extra = target.key === 'healthz' ? '' : `, +${(1e6 / m - 1e6 / baseline).toFixed(0)} us over the baseline`;
    console.log(
      `   median ${target.label.padEnd(26)} ${fmt(m).padStart(7)} requests/s (${perRequestUs} us each${extra}); ` +
        `CPU ${cpuUs[target.key].toFixed(0)} us each`,
    );
  }
  console.log(`   ratio /healthz + bearer / anonymous: ${ratios.healthzBearer.toFixed(2)} (authentication alone)`);
  console.log(`   ratio /api/auth/me / anonymous:      ${goal(ratios.me, RATIO_GOAL)}`);
  console.log(`   ratio /api/users / anonymous:        ${goal(ratios.users, RATIO_GOAL)}`);
  console.log(
    `   CPU ratios (anonymous CPU / this process's CPU per request): + bearer ${cpuRatios.healthzBearer.toFixed(2)}, ` +
      `me ${cpuRatios.me.toFixed(2)}, users ${cpuRatios.users.toFixed(2)}`,
  );
  return { rates, medians, ratios, cpuUs, cpuRatios };
}
