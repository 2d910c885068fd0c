import { cpus, loadavg } from 'node:os';
import { canonicalJson, referenceCanonicalJson } from '../src/kernel/canonical-json.js';
import { median } from './audit/stats.js';

const RECORDS = Number(process.env.BASTION_BENCH_RECORDS ?? 20_000);
const ROUNDS = 7;

/** An audit record as the pipeline hashes one: actor, origin, target, details with digests and a few facts. */
const record = (n: number) => ({
  seq: n,
  id: `0193a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`,
  at: 1_764_000_000_000 + n,
  action: 'production.operation.report',
  outcome: 'success',
  actor: { kind: 'user', id: '0193a1b2-c3d4-7e5f-8a9b-000000000042' },
  origin: { channel: 'http', address: '10.20.0.5', requestId: `req-${n}` },
  target: { type: 'work-order', id: `WO-${n}` },
  details: {
    good: n % 50,
    scrap: n % 3,
    beforeDigest: 'a3f1c2e4b5d6a7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70',
    afterDigest: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    lot: `LOT-${n}`,
    note: 'Schicht B – Linie 2, Prüfung ok',
  },
  prevHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
});

function perRecordMicros(encode: (value: unknown) => string, records: unknown[]): number {
  const started = performance.now();
  let length = 0;
  for (const r of records) length += encode(r).length;
  if (length === 0) throw new Error('nothing encoded');
  return ((performance.now() - started) * 1000) / records.length;
}

/**
 * RFC 8785 canonical JSON of audit records: Bastion's single-pass encoder against the reference it replaced
 * (the `canonicalize` package behind a JSON check), the same records, rounds alternating; medians compared.
 */
export async function run(): Promise<void> {
  console.log(`Canonical JSON bench: Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
  const records = Array.from({ length: RECORDS }, (_, n) => record(n));
  for (const r of records.slice(0, 1000)) if (canonicalJson(r) !== referenceCanonicalJson(r)) throw new Error('differ');
  const fast: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    fast.push(perRecordMicros(canonicalJson, records));
    reference.push(perRecordMicros(referenceCanonicalJson, records));
  }
  const [f, r] = [median(fast), median(reference)];
  console.log(`   ${RECORDS.toLocaleString('en-US')} audit records per round, median of ${ROUNDS} rounds`);
  console.log(`   Bastion encoder: ${f.toFixed(2)} µs per record`);
  console.log(`   canonicalize (reference): ${r.toFixed(2)} µs per record`);
  console.log(`   speed-up: ${(r / f).toFixed(2)}x`);
  console.log(JSON.stringify({ bench: 'canonical', fastMicros: f, referenceMicros: r, speedup: r / f }));
  await Promise.resolve();
}
