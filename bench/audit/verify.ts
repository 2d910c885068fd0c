import { createHash } from 'node:crypto';
import type { Bastion } from '../../src/app/bastion.js';
import { recordPages } from '../../src/modules/audit/queries.js';
import { loadPublicKey } from '../../src/kernel/keys/key-store.js';
import { verifyLog } from '../../src/modules/audit/verification.js';
import { fmt, goal, rate } from './stats.js';

const ROUNDS = 2;
export const RATIO_GOAL = 0.5;

/**
 * The floor any verifier must pay: read every body through the same reader verifyLog uses and chain SHA-256
 * over it, with no Merkle tree, no checkpoint and no comparison against the stored hashes.
 */
async function bareChain(bastion: Bastion): Promise<number> {
  let hash = Buffer.alloc(32);
  let count = 0;
  for await (const page of recordPages(bastion.storage)) {
    for (const row of page) hash = createHash('sha256').update(hash).update(row.body).digest();
    count += page.length;
  }
  return count;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

export interface VerificationResult {
  records: number;
  checkpoints: number;
  verifyRate: number;
  chainRate: number;
  ratio: number;
}

/** Alternates the two passes and keeps each one's best round, the one least disturbed by other load. */
export async function measureVerification(bastion: Bastion, total: number): Promise<VerificationResult> {
  const publicKey = loadPublicKey(bastion.publicKeyFile);
  const verifyMs: number[] = [];
  const chainMs: number[] = [];
  let checkpoints = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const chain = await timed(() => bareChain(bastion));
    if (chain.value !== total) throw new Error(`bare chain read ${chain.value} records, expected ${total}`);
    const verified = await timed(() =>
      verifyLog({ storage: bastion.storage, publicKey, witnesses: bastion.witnesses }),
    );
    const report = verified.value;
    if (!report.ok || report.recordsChecked !== total) {
      throw new Error(`verifyLog failed: ${JSON.stringify({ ...report, problems: report.problems.slice(0, 3) })}`);
    }
    checkpoints = report.checkpointsChecked;
    chainMs.push(chain.ms);
    verifyMs.push(verified.ms);
    console.log(
      `   round ${round}: verifyLog ${fmt(rate(total, verified.ms))} records/s (${(verified.ms / 1000).toFixed(1)} s), ` +
        `bare SHA-256 chain ${fmt(rate(total, chain.ms))} records/s (${(chain.ms / 1000).toFixed(1)} s)`,
    );
  }
  const verifyRate = rate(total, Math.min(...verifyMs));
  const chainRate = rate(total, Math.min(...chainMs));
  const result = { records: total, checkpoints, verifyRate, chainRate, ratio: verifyRate / chainRate };
  console.log(
    `   verifyLog ok: ${fmt(total)} records, ${fmt(checkpoints)} signed checkpoints, each in the database and in the witness directory`,
  );
  console.log(`   best: verifyLog ${fmt(verifyRate)} records/s, bare chain ${fmt(chainRate)} records/s`);
  console.log(`   ratio verifyLog/bare chain: ${goal(result.ratio, RATIO_GOAL)}`);
  return result;
}
