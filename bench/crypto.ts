import { cpus, loadavg } from 'node:os';
import type { Bastion } from '../src/app/bastion.js';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { rotateKeys } from '../src/modules/crypto/index.js';
import { personalField, SECRET, secretField, secretsModule } from '../test/support/crypto-table.js';
import { openBenchBastion } from './support/env.js';

/**
 * What field encryption costs, each figure against its baseline in the same run: a write-heavy workload
 * (commands inserting a row with two sealed fields and a blind index, against the same command storing them
 * clear) and a read-heavy one (rows read by id and their sealed fields opened, against the same clear rows;
 * a bulk scan is shown as the worst case); then the rotation rate (values re-encrypted per second, batches of 500 through the pipeline).
 */
const scale = Number(process.env.BASTION_BENCH_SCALE ?? '1');
const WRITES = Math.round(3000 * scale);
const ROUNDS = 5;
const PAGE = 100;
const RATIO_GOAL = 0.85;

async function writes(bastion: Bastion, prefix: string, count: number, encrypt: boolean): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < count; n += 1) {
    const input = { id: `${prefix}-${n}`, owner: `owner-${n % 50}`, secret: `recipe value ${n} of ${prefix}`, encrypt };
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
      .select(['id', 'owner', 'secret', 'personal'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()) as { secret: string; personal: string };
    const secret = open ? await bastion.keyring.open(row.secret, secretField(id)) : row.secret;
    const mine = open ? await bastion.keyring.open(row.personal, personalField(id)) : row.personal;
    if (secret !== mine) throw new Error(`row ${id} does not read back`);
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

/** Alternates on and off round by round, so drift in the machine's load falls on both sides alike. */
async function compare(label: string, measure: (round: number, on: boolean) => Promise<number>, goal = true) {
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    off.push(await measure(round, false));
    on.push(await measure(round, true));
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
  const env = await openBenchBastion({}, [secretsModule]);
  try {
    const { bastion, backend } = env;
    console.log(`Crypto bench: ${backend} (${bastion.storage.location})`);
    console.log(`Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
    const perRound = Math.round(WRITES / ROUNDS);
    console.log(
      `\n1. Write-heavy: ${ROUNDS} rounds of ${perRound} commands each way (2 sealed fields + a blind index per row)`,
    );
    const write = await compare('writes', (round, on) => writes(bastion, `${on ? 'e' : 'p'}${round}`, perRound, on));
    console.log(`\n2. Read-heavy: point reads of the rows written above, both sealed fields opened`);
    const read = await compare('reads', (round, on) => pointReads(bastion, `${on ? 'e' : 'p'}${round}`, perRound, on));
    console.log(`   worst case, not the goal: a bulk scan in pages of ${PAGE} rows, one sealed field opened per row`);
    const bulk = await compare('scan', (round, on) => scan(bastion, `${on ? 'e' : 'p'}${round}`, on), false);
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
      scan: bulk,
      rotationPerSecond: rotation,
    };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await env.close();
  }
}
