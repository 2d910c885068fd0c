import { cpus } from 'node:os';
import { readHead } from '../src/modules/audit/store.js';
import { benchPipelines, createBenchTables } from './audit/command.js';
import { openBenchEnv } from './audit/env.js';
import { fillLog } from './audit/fill.js';
import { measureProofs } from './audit/proofs.js';
import { fmt } from './audit/stats.js';
import { measureThroughput } from './audit/throughput.js';
import { measureVerification } from './audit/verify.js';

/**
 * What the tamper-evident audit log costs: command throughput with and without it, full verification
 * against a bare hash chain, and inclusion-proof latency, at BASTION_BENCH_SCALE records (default 1,000,000).
 * Prints readable figures, then one JSON line with all of them.
 */
export async function run(): Promise<void> {
  const env = await openBenchEnv();
  try {
    const { bastion, scale, backend } = env;
    console.log(`Audit bench: ${backend} (${bastion.storage.location}), scale ${fmt(scale)} records`);
    console.log(`Node ${process.version}, ${cpus().length} CPUs; figures move with other load on the machine`);

    await createBenchTables(bastion.storage);
    const throughput = await measureThroughput(benchPipelines(bastion));

    console.log(`\n2. Verification`);
    const fill = await fillLog(bastion, scale);
    const total = (await readHead(bastion.storage.db))?.seq ?? 0;
    console.log(`   log holds ${fmt(total)} records (${fmt(fill.added)} added in ${(fill.ms / 1000).toFixed(1)} s)`);
    const verification = await measureVerification(bastion, total);

    console.log(`\n3. Inclusion proofs at ${fmt(total)} records`);
    const proofs = await measureProofs(bastion, total);

    const summary = { bench: 'audit', backend, scale, records: total, throughput, verification, proofs };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await env.close();
  }
}
