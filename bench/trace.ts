import { cpus } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { buildHttpApp } from '../src/http/app.js';
import { trace, type Trace } from '../src/modules/genealogy/trace.js';
import type { Database } from '../src/app/database.js';
import { fmt, fmtMs, median, percentile, seededInts } from './audit/stats.js';
import { adminToken } from './auth/session.js';
import { openBenchBastion } from './support/env.js';
import { generateGenealogy, type Genealogy } from './trace/generate.js';

const STARTS = 100;

/**
 * The baseline: the same recursive walk over the links table Bastion uses (integer lot keys), as plain SQL from
 * the start lot's key, returning only keys: no depth, no details, no joins, no mapping.
 */
async function rawTrace(db: Kysely<Database>, key: number, forward: boolean): Promise<number> {
  const rows = forward
    ? await sql`with recursive r(k) as (select cast(${key} as bigint) union select l.child from r join genealogy_links l on l.parent = r.k) select k from r`.execute(
        db,
      )
    : await sql`with recursive r(k) as (select cast(${key} as bigint) union select l.parent from r join genealogy_links l on l.child = r.k) select k from r`.execute(
        db,
      );
  return rows.rows.length - 1;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

async function measure(scale: number): Promise<Record<string, number>> {
  const env = await openBenchBastion({ BASTION_HTTP_RATE_LIMIT: '100000000' });
  const { bastion } = env;
  try {
    console.log(`\nGenealogy of ${fmt(scale)} lots (${env.backend})`);
    const random = seededInts(42);
    const genealogy: Genealogy = await generateGenealogy(
      bastion.storage.db,
      scale,
      random,
      String(scale),
      bastion.storage.dialect,
    );
    const app = await buildHttpApp(bastion);
    const token = await adminToken(app, env.oneTimePassword);
    const db = bastion.storage.db;
    const result: Record<string, number> = { scale };
    for (const direction of ['backward', 'forward'] as const) {
      const pool = direction === 'forward' ? genealogy.stages[0]!.slice(genealogy.wide.length) : genealogy.stages[4]!;
      const starts = Array.from({ length: STARTS }, () => pool[random(pool.length) - 1]!);
      const moduleMs: number[] = [];
      const rawMs: number[] = [];
      const httpMs: number[] = [];
      const sizes: number[] = [];
      for (const [i, lot] of starts.entries()) {
        const { key } = await db
          .selectFrom('genealogy_lots')
          .select('key')
          .where('number', '=', lot)
          .executeTakeFirstOrThrow();
        // Whichever runs first reads the trace's pages cold and leaves them warm for the other: alternate.
        const moduleTrace = () => timed(() => trace(db, lot, direction));
        const rawWalk = () => timed(() => rawTrace(db, key, direction === 'forward'));
        let traced: Trace, ms: number, rawSize: number, rawTime: number;
        if (i % 2 === 0) {
          [traced, ms] = await moduleTrace();
          [rawSize, rawTime] = await rawWalk();
        } else {
          [rawSize, rawTime] = await rawWalk();
          [traced, ms] = await moduleTrace();
        }
        moduleMs.push(ms);
        sizes.push(traced.lots.length);
        if (rawSize !== traced.lots.length)
          throw new Error(`trace of ${lot}: module ${traced.lots.length} lots, raw SQL ${rawSize}`);
        rawMs.push(rawTime);
        const [response, httpTime] = await timed(() =>
          app.inject({
            url: `/api/lots/${lot}/trace?direction=${direction}`,
            headers: { authorization: `Bearer ${token}` },
          }),
        );
        if (response.statusCode !== 200) throw new Error(`HTTP trace ${response.statusCode}`);
        httpMs.push(httpTime);
      }
      console.log(`   ${direction}: trace size median ${median(sizes)} lots (max ${Math.max(...sizes)})`);
      console.log(
        `     module ${fmtMs(median(moduleMs))} median (p95 ${fmtMs(percentile(moduleMs, 95))}), raw SQL ${fmtMs(median(rawMs))}, ratio ${(median(moduleMs) / median(rawMs)).toFixed(2)}x, HTTP ${fmtMs(median(httpMs))}`,
      );
      Object.assign(result, {
        [`${direction}ModuleMs`]: median(moduleMs),
        [`${direction}RawMs`]: median(rawMs),
        [`${direction}HttpMs`]: median(httpMs),
        [`${direction}Size`]: median(sizes),
      });
    }
    const wideMs: number[] = [];
    const wideRawMs: number[] = [];
    let wideSize = 0;
    let wideOrders = 0;
    for (const lot of genealogy.wide) {
      const { key } = await db
        .selectFrom('genealogy_lots')
        .select('key')
        .where('number', '=', lot)
        .executeTakeFirstOrThrow();
      // Alternated as above: the first of the two would read the wide trace's pages cold for the other.
      const moduleTrace = () => timed(() => trace(db, lot, 'forward'));
      const rawWalk = () => timed(() => rawTrace(db, key, true));
      let traced: Trace, ms: number, rawSize: number, rawTime: number;
      if (wideMs.length % 2 === 0) {
        [traced, ms] = await moduleTrace();
        [rawSize, rawTime] = await rawWalk();
      } else {
        [rawSize, rawTime] = await rawWalk();
        [traced, ms] = await moduleTrace();
      }
      if (rawSize !== traced.lots.length)
        throw new Error(`wide trace of ${lot}: module ${traced.lots.length} lots, raw SQL ${rawSize}`);
      wideMs.push(ms);
      wideRawMs.push(rawTime);
      wideSize = traced.lots.length;
      wideOrders = traced.orders.length;
    }
    console.log(
      `   wide raw lot forward: ${fmtMs(median(wideMs))} median for ${fmt(wideSize)} lots in ${fmt(wideOrders)} work orders (raw SQL ${fmtMs(median(wideRawMs))})`,
    );
    result.wideForwardMs = median(wideMs);
    result.wideRawMs = median(wideRawMs);
    result.wideSize = wideSize;
    result.wideOrders = wideOrders;
    await app.close();
    return result;
  } finally {
    await env.close();
  }
}

/** Trace cost at 100,000 and BASTION_BENCH_SCALE (default 1,000,000) lots: module, raw SQL, HTTP, wide lots. */
export async function run(): Promise<void> {
  const big = Number(process.env.BASTION_BENCH_SCALE ?? 1_000_000);
  console.log(
    `Trace bench; Node ${process.version}, ${cpus().length} CPUs; figures move with other load on the machine`,
  );
  const results = [await measure(Math.min(100_000, big))];
  if (big > 100_000) results.push(await measure(big));
  console.log(`\n${JSON.stringify({ bench: 'trace', results })}`);
}
