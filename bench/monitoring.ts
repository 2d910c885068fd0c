import { cpus, loadavg } from 'node:os';
import type { InjectOptions } from 'fastify';
import { buildHttpApp } from '../src/http/app.js';
import { fmt, median } from './audit/stats.js';
import { adminToken } from './auth/session.js';
import { openIngestBench } from './ingest/env.js';
import { measureBastion } from './ingest/runs.js';
import { MonitoringSwitch } from './monitoring/switch.js';
import { openBenchBastion } from './support/env.js';
import { makeUser, sessionOf } from '../test/support/identity.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REQUESTS = setting('BASTION_BENCH_REQUESTS', 1500);
const ROUNDS = setting('BASTION_BENCH_ROUNDS', 5);
const DEVICES = setting('BASTION_BENCH_DEVICES', 4);
const MESSAGES = setting('BASTION_BENCH_MESSAGES', 20_000);
const GOAL = 0.9;

type Request = InjectOptions;

/**
 * What detection costs: the same workloads with monitoring on (every audited attempt mapped to a security
 * event, written in batches, every rule run over it, alerts raised) and off, in one run, rounds alternating
 * which side goes first; medians compared. API: an administrator's reads (no security event), audited changes
 * that are security events (rule tuning), and an operator's refused requests (a security event each, and the
 * repeated-denials rule firing): the last two are the worst case for detection. Ingest: Sparkplug QoS 1 over
 * TLS through the embedded broker, committed (bench/ingest).
 */
export async function run(): Promise<void> {
  console.log(
    `Monitoring bench: rules on / off; Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`,
  );
  const api = await apiFigures();
  const ingest = await ingestFigures();
  console.log('\nRatios (on / off; goal >= 0.9)');
  for (const [label, ratio] of [...api, ['ingest QoS 1 values/s', ingest] as const])
    console.log(`   ${label}: ${ratio.toFixed(3)} (${ratio >= GOAL ? 'meets' : 'MISSES'} the goal)`);
  console.log(JSON.stringify({ bench: 'monitoring', api: Object.fromEntries(api), ingest }));
}

async function apiFigures(): Promise<[string, number][]> {
  const env = await openBenchBastion({ BASTION_HTTP_RATE_LIMIT: '100000000' });
  const app = await buildHttpApp(env.bastion);
  try {
    console.log(
      `\n1. API through app.inject: ${env.backend} (${env.bastion.storage.location}), ${REQUESTS} requests per side and round`,
    );
    const token = await adminToken(app, env.oneTimePassword);
    const headers = { authorization: `Bearer ${token}` };
    const operator = await sessionOf(
      app,
      await makeUser(env.bastion, app, { username: 'bench-operator', roles: [{ role: 'operator' }] }),
    );
    const switcher = new MonitoringSwitch(env.bastion);
    let n = 0;
    const workloads: [string, () => Request][] = [
      ['authenticated reads (GET /api/users)', () => ({ method: 'GET', url: '/api/users', headers })],
      [
        'audited security changes (rule tuning)',
        () => ({
          method: 'POST',
          url: '/api/security/rules/repeated-denials',
          headers,
          payload: { threshold: 10 + (n++ % 5) },
        }),
      ],
      [
        "refused requests (an operator's 403)",
        () => ({ method: 'GET', url: '/api/security/events', headers: operator.headers }),
      ],
    ];
    const ratios: [string, number][] = [];
    for (const [label, request] of workloads) {
      const rates = { on: [] as number[], off: [] as number[] };
      for (let round = 0; round < ROUNDS; round += 1)
        for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
          await switcher.set(on);
          const started = performance.now();
          for (let i = 0; i < REQUESTS; i += 1) await app.inject(request());
          await switcher.settled();
          rates[on ? 'on' : 'off'].push(REQUESTS / ((performance.now() - started) / 1000));
        }
      const ratio = median(rates.on) / median(rates.off);
      console.log(
        `   ${label}: on ${fmt(median(rates.on))}/s, off ${fmt(median(rates.off))}/s, ratio ${ratio.toFixed(3)}`,
      );
      ratios.push([`API ${label}`, ratio]);
    }
    await switcher.set(true);
    const kinds = await env.bastion.context.db
      .selectFrom('security_events')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('kind')
      .execute();
    console.log(`   security events recorded while on: ${kinds.map((k) => `${k.kind} ${String(k.n)}`).join(', ')}`);
    const alerts = await env.bastion.context.db.selectFrom('alerts').select(['rule', 'count']).execute();
    console.log(
      `   alerts raised while on: ${alerts.map((a) => `${String(a.rule)} (${String(a.count)} events)`).join(', ') || 'none'}`,
    );
    return ratios;
  } finally {
    await app.close();
    await env.close();
  }
}

async function ingestFigures(): Promise<number> {
  const env = await openIngestBench(DEVICES);
  try {
    const perDevice = Math.ceil(MESSAGES / DEVICES);
    const shape = { perDevice, window: 1000 };
    console.log(
      `\n2. Ingest: ${env.backend}, ${DEVICES} devices x ${fmt(perDevice)} Sparkplug DDATA at QoS 1 over TLS per side and round`,
    );
    const switcher = new MonitoringSwitch(env.bastion);
    await measureBastion(env, 1, { ...shape, perDevice: Math.ceil(perDevice / 10) }); // warm-up
    const rates = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < Math.max(2, Math.ceil(ROUNDS / 2)); round += 1)
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        await switcher.set(on);
        const result = await measureBastion(env, 1, shape);
        rates[on ? 'on' : 'off'].push(result.valuesPerSecond);
      }
    const ratio = median(rates.on) / median(rates.off);
    console.log(
      `   committed values/s: on ${fmt(median(rates.on))}, off ${fmt(median(rates.off))}, ratio ${ratio.toFixed(3)}`,
    );
    return ratio;
  } finally {
    await env.close();
  }
}
