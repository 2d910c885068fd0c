import type { Bastion } from '../../src/app/bastion.js';
import { canonicalDigest } from '../../src/kernel/digest.js';
import { newId } from '../../src/kernel/ids.js';
import type { AuditEntry } from '../../src/kernel/pipeline/types.js';
import { inTransaction, type UnitOfWork } from '../../src/storage/storage.js';
import { makeCheckpoint, type SignedCheckpoint } from '../../src/modules/audit/checkpoint.js';
import { loadHead, nextRecord } from '../../src/modules/audit/log.js';
import { loadSigner } from '../../src/modules/audit/signer.js';
import { LOWEST_STORED_LEVEL, lockForAppend, nodeKey, readHead } from '../../src/modules/audit/store.js';
import { counterName } from './command.js';
import { fmt, rate } from './stats.js';

/** Records per transaction: big enough that commits are rare, small enough to keep memory flat. */
const BATCH = 10_000;
/** Rows per INSERT: 1000 x 3 parameters stays far below SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_INSERT = 1000;

const actorIds = Array.from({ length: 8 }, () => newId());
/** Digests are only bytes of the right shape here; computing two per record would just slow the fill. */
const digests = Array.from({ length: 64 }, (_, i) => canonicalDigest({ value: i }));

/** A record shaped like the ones the bench command leaves, so the stored bodies have a realistic size. */
function entryFor(seq: number): AuditEntry {
  const delta = 1 + (seq % 7);
  return {
    action: 'bench.counter-bump',
    outcome: 'success',
    actor: { kind: 'user', id: actorIds[seq % actorIds.length]! },
    origin: { channel: 'http', address: '127.0.0.1', requestId: newId() },
    target: { type: 'bench.counter', id: counterName(seq) },
    details: {
      beforeDigest: digests[seq % digests.length],
      afterDigest: digests[(seq + delta) % digests.length],
      delta,
    },
  };
}

async function chunkedInsert<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/**
 * Appends exactly what AuditLog.append would (records from the same nextRecord(), the same stored Merkle
 * nodes and signed checkpoints, witnessed after commit) but with multi-row inserts, one transaction per batch. The full
 * verification afterwards is the check that the two agree.
 */
async function appendBatch(bastion: Bastion, uow: UnitOfWork, count: number, sign: ReturnType<typeof loadSigner>) {
  const { tx, storage } = uow;
  await lockForAppend(tx, storage);
  let head = await loadHead(tx);
  const records: { seq: number; body: string; hash: Buffer }[] = [];
  const nodes: { node: number; hash: Buffer }[] = [];
  const checkpoints: { checkpoint: SignedCheckpoint; at: number }[] = [];
  const every = bastion.config.audit.checkpointEvery;
  for (let i = 0; i < count; i++) {
    const at = bastion.clock.now();
    const next = nextRecord(head, entryFor(head.seq + 1), at);
    head = next.head;
    records.push(next.record);
    for (const node of next.nodes) {
      if (node.level >= LOWEST_STORED_LEVEL) nodes.push({ node: nodeKey(node), hash: node.hash });
    }
    if (head.seq % every === 0) {
      checkpoints.push({ checkpoint: makeCheckpoint(sign, head.seq, head.frontier.root(), at), at });
    }
  }
  await chunkedInsert(records, (chunk) => tx.insertInto('audit_records').values(chunk).execute());
  await chunkedInsert(nodes, (chunk) => tx.insertInto('audit_merkle_nodes').values(chunk).execute());
  const rows = checkpoints.map(({ checkpoint: cp, at }) => ({
    tree_size: cp.treeSize,
    body: cp.body,
    signature: cp.signature,
    created_at: at,
  }));
  await chunkedInsert(rows, (chunk) => tx.insertInto('audit_checkpoints').values(chunk).execute());
  uow.afterCommit(async () => {
    for (const { checkpoint } of checkpoints) for (const witness of bastion.witnesses) await witness.record(checkpoint);
  });
  return head.seq;
}

/** Fills the log up to `target` records, printing progress about every tenth of the way. */
export async function fillLog(bastion: Bastion, target: number): Promise<{ added: number; ms: number }> {
  const signer = loadSigner(bastion.config.dataDir);
  const startSize = (await readHead(bastion.storage.db))?.seq ?? 0;
  console.log(
    `   filling the audit log from ${fmt(startSize)} to ${fmt(target)} records (bulk, ${fmt(BATCH)} per transaction)`,
  );
  const start = performance.now();
  const step = Math.max(BATCH, Math.ceil(target / 10 / BATCH) * BATCH);
  let size = startSize;
  let nextReport = startSize + step;
  while (size < target) {
    const count = Math.min(BATCH - (size % BATCH), target - size); // aligned, so progress reads in round numbers
    size = await inTransaction(bastion.storage, bastion.logger, (uow) => appendBatch(bastion, uow, count, signer));
    if (size >= nextReport || size >= target) {
      console.log(
        `   filled ${fmt(size)} / ${fmt(target)} (${fmt(rate(size - startSize, performance.now() - start))} records/s)`,
      );
      nextReport = size + step;
    }
  }
  await bastion.audit.checkpointNow(); // the proofs then lead to a signed checkpoint over the whole log
  return { added: size - startSize, ms: performance.now() - start };
}
