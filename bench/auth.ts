import { cpus, loadavg } from 'node:os';
import type { Bastion } from '../src/app/bastion.js';
import { buildHttpApp } from '../src/http/app.js';
import { TOUCH_INTERVAL_MS } from '../src/modules/identity/sessions.js';
import { httpSender, injectSender, listenLoopback, TARGETS, type Send, type Target } from './auth/clients.js';
import { openAuthBenchEnv, RATE_LIMIT } from './auth/env.js';
import { measureSection, RATIO_GOAL, REQUESTS_PER_ROUND, ROUNDS, type SectionResult } from './auth/rates.js';
import { adminToken } from './auth/session.js';

/** identity.session.touch commands in the audit log: each is one request that also ran an audited command. */
async function touches(bastion: Bastion): Promise<number> {
  const row = await bastion.storage.db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('body', 'like', '%"identity.session.touch"%')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

const sendersFor = (make: (target: Target) => Send) =>
  Object.fromEntries(TARGETS.map((target) => [target.key, make(target)])) as Record<Target['key'], Send>;

/**
 * What authentication and authorisation cost on the HTTP API: sequential GETs with the bearer token of a
 * fully logged-in administrator (MFA verified) against the anonymous /healthz, first through app.inject()
 * in process, then over plain HTTP on loopback with one keep-alive connection.
 * Prints readable figures, then one JSON line with all of them.
 */
export async function run(): Promise<void> {
  const env = await openAuthBenchEnv();
  try {
    const { bastion, backend } = env;
    console.log(`Auth bench: ${backend} (${bastion.storage.location})`);
    console.log(
      `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ` +
        `figures move with other load on the machine`,
    );
    console.log(`Rate limit raised to ${RATE_LIMIT.toLocaleString('en-US')} requests per window so it never refuses`);
    const { cacheSeconds } = bastion.config.session;
    console.log(`Session cache: ${cacheSeconds > 0 ? `on, entries kept at most ${cacheSeconds} s` : 'off'}`);

    const app = await buildHttpApp(bastion);
    const token = await adminToken(app, env.oneTimePassword);
    const loggedInAt = performance.now();
    const touchesBefore = await touches(bastion);
    console.log(`Administrator logged in: one-time password replaced, TOTP enrolled and confirmed (MFA verified)`);
    console.log(
      `${ROUNDS} rotating rounds of ${REQUESTS_PER_ROUND.toLocaleString('en-US')} sequential requests per target, after warm-up`,
    );

    console.log(`\n1. In process: app.inject()`);
    const inject = await measureSection(sendersFor((target) => injectSender(app, target, token)));

    const server = await listenLoopback(app);
    let http: SectionResult;
    try {
      console.log(`\n2. Plain HTTP on 127.0.0.1:${server.port}, node:http client, one keep-alive socket`);
      http = await measureSection(sendersFor((target) => httpSender(server, target, token)));
    } finally {
      await server.close();
    }
    const connections = server.connections();
    console.log(`   TCP connections accepted by the server: ${connections}`);

    const seconds = (performance.now() - loggedInAt) / 1000;
    const touched = (await touches(bastion)) - touchesBefore;
    console.log(
      `\nSession activity is recorded at most once a minute (identity.session.touch, every ${TOUCH_INTERVAL_MS / 1000} s):`,
    );
    console.log(
      `   this run used the session for ${seconds.toFixed(0)} s and recorded ${touched} touch(es), so only ${touched} ` +
        `authenticated request(s) also ran that audited command; a run under a minute sees at most one`,
    );

    const summary = {
      bench: 'auth',
      backend,
      node: process.version,
      cpus: cpus().length,
      requestsPerRound: REQUESTS_PER_ROUND,
      rounds: ROUNDS,
      ratioGoal: RATIO_GOAL,
      inject,
      http: { ...http, connections },
      sessionSeconds: Math.round(seconds),
      loadAverage: loadavg()[0],
      touches: touched,
      sessionCacheSeconds: bastion.config.session.cacheSeconds,
    };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await env.close();
  }
}
