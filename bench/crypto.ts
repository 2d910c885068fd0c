import { cpus, loadavg } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Bastion } from '../src/app/bastion.js';
import { buildHttpApp } from '../src/http/app.js';
import { adminToken } from './auth/session.js';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { rotateKeys } from '../src/modules/crypto/index.js';
import { SECRET, secretField, secretsModule } from '../test/support/crypto-table.js';
import { openBenchBastion } from './support/env.js';

/**
 * What field encryption costs, each figure against its baseline in the same run: a write-heavy workload
 * (commands inserting a row with a sealed field and its blind index, against the same command storing it
 * clear) and a read-heavy one (rows read by id through the HTTP API, the sealed field opened, against the same
 * clear rows; the bare database read and a bulk scan are shown as worst cases, where the read itself costs least); then the rotation rate (values re-encrypted per second, batches of 500 through the pipeline).
 */
const scale = Number(process.env.BASTION_BENCH_SCALE ?? '1');
const WRITES = Math.round(3000 * scale);
const ROUNDS = 10;
const PAGE = 100;
const RATIO_GOAL = 0.85;

async function writes(bastion: Bastion, prefix: string, count: number, encrypt: boolean): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < count; n += 1) {
    const input = {
      id: `${prefix}-${n}`,
      owner: 'o',
      secret: `recipe value ${n} of ${prefix}`,
      encrypt,
      personal: false,
    };
    await bastion.pipeline.execute('test.secret.write', input, SYSTEM_ACTOR, SYSTEM_ORIGIN);
  }
  return count / ((performance.now() - started) / 1000);
}

/** Point reads, as an API answers them: one row by id, its sealed fields opened when `open`. */
async function pointReads(bastion: Bastion, prefix: string, count: number, open: boolean): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < count; n += 1) {
    const id = `${prefix}-${n}`;
    const row = (await bastion.context.db
      .selectFrom('test_secrets')
      .select(['id', 'owner', 'secret', 'secret_index'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()) as { secret: string };
    const secret = open ? await bastion.keyring.open(row.secret, secretField(id)) : row.secret;
    if (!secret.startsWith('recipe value')) throw new Error(`row ${id} does not read back`);
  }
  return count / ((performance.now() - started) / 1000);
}

/** Reads through the HTTP API (app.inject, an administrator's bearer token): what a user's read costs. */
async function apiReads(app: FastifyInstance, token: string, prefix: string, count: number): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < count; n += 1) {
    const headers = { authorization: `Bearer ${token}` };
    const response = await app.inject({ method: 'GET', url: `/api/test-secrets/${prefix}-${n}`, headers });
    if (response.statusCode !== 200) throw new Error(`GET ${prefix}-${n}: ${response.statusCode}`);
  }
  return count / ((performance.now() - started) / 1000);
}

/** A bulk scan, pages of rows with every sealed field opened: the worst case, where reading costs least. */
async function scan(bastion: Bastion, prefix: string, open: boolean): Promise<number> {
  const started = performance.now();
  let count = 0;
  let after = '';
  for (;;) {
    const page = (await bastion.context.db
      .selectFrom('test_secrets')
      .select(['id', 'secret'])
      .where('id', 'like', `${prefix}-%`)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as { id: string; secret: string }[];
    if (page.length === 0) break;
    for (const row of page) {
      const value = open ? await bastion.keyring.open(row.secret, secretField(row.id)) : row.secret;
      if (value.length === 0) throw new Error('empty value');
    }
    count += page.length;
    after = page.at(-1)!.id;
  }
  return count / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;

/** Alternates on and off round by round (medians of each), so drift in the machine's load falls on both alike. */
async function compare(label: string, measure: (round: number, on: boolean) => Promise<number>, goal = true) {
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Which side goes first alternates too: a warming cache or a neighbour's burst favours neither.
    for (const side of round % 2 === 0 ? [false, true] : [true, false])
      (side ? on : off).push(await measure(round, side));
  }
  const ratio = median(on) / median(off);
  const verdict = !goal
    ? 'no goal'
    : ratio >= RATIO_GOAL
      ? `meets the goal ${RATIO_GOAL}`
      : `MISSES the goal ${RATIO_GOAL}`;
  console.log(
    `   ${label}: encrypted ${rate(median(on))}, clear ${rate(median(off))}, ratio ${ratio.toFixed(3)} (${verdict})`,
  );
  return { on: median(on), off: median(off), ratio };
}

export async function run(): Promise<void> {
  // The rate limit raised so it never refuses: the bench measures encryption, not throttling.
  const env = await openBenchBastion({ BASTION_HTTP_RATE_LIMIT: '100000000' }, [secretsModule]);
  try {
    const { bastion, backend } = env;
    console.log(`Crypto bench: ${backend} (${bastion.storage.location})`);
    console.log(`Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
    const perRound = Math.round(WRITES / ROUNDS);
    console.log(
      `\n1. Write-heavy: ${ROUNDS} rounds of ${perRound} commands each way (a sealed field and its blind index per row)`,
    );
    const write = await compare('writes', (round, on) => writes(bastion, `${on ? 'e' : 'p'}${round}`, perRound, on));
    console.log(`\n2. Read-heavy: the rows written above read by id through the HTTP API, the sealed field opened`);
    const app = await buildHttpApp(bastion);
    const token = await adminToken(app, env.oneTimePassword);
    const read = await compare('API reads', (round, on) => apiReads(app, token, `${on ? 'e' : 'p'}${round}`, perRound));
    console.log('   below the API, not the goal: the bare database read by id, then a bulk scan in pages of 100');
    const point = await compare(
      'point reads',
      (round, on) => pointReads(bastion, `${on ? 'e' : 'p'}${round}`, perRound, on),
      false,
    );
    const bulk = await compare('scan', (round, on) => scan(bastion, `${on ? 'e' : 'p'}${round}`, on), false);
    await app.close();
    console.log(`\n3. Rotation of '${SECRET.purpose}': every value re-encrypted in batches of 500 commands`);
    const started = performance.now();
    const [report] = await rotateKeys(
      {
        execute: (name, input) => bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN),
        db: bastion.context.db,
        service: bastion.crypto,
        // One instance and no other writer: no grace period to wait out (production waits a few seconds).
        graceMs: 0,
      },
      [SECRET.purpose],
    );
    const seconds = (performance.now() - started) / 1000;
    const rotation = report!.reencrypted / seconds;
    console.log(
      `   ${report!.reencrypted} values in ${seconds.toFixed(2)} s: ${rate(rotation)}; old version retired: ${report!.retired}`,
    );
    const summary = {
      bench: 'crypto',
      backend,
      node: process.version,
      ratioGoal: RATIO_GOAL,
      write,
      read,
      point,
      scan: bulk,
      rotationPerSecond: rotation,
    };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await env.close();
  }
}
