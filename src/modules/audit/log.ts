import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import type { AuditEntry, AuditSink } from '../../kernel/pipeline/types.js';
import type { ReadDb, Transact, UnitOfWork } from '../../kernel/store.js';
import { makeCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { Frontier, perfectSubtrees, type NodeRef } from './merkle.js';
import { encodeRecord, GENESIS_HASH, recordHash } from './record.js';
import type { CheckpointSigner } from './signer.js';
import type { Database } from './db.js';
import {
  fetchNodes,
  insertCheckpoint,
  insertNodes,
  appendIfHead,
  latestCheckpoint,
  lockForAppend,
  readHead,
} from './store.js';
import type { Witness } from './witness.js';

export interface AuditLogDeps {
  /**
   * The declared writer 'audit.checkpoint' (kernel/module.ts): checkpoints signed by the timer or on demand
   * are the log's one write outside a command's transaction. Appends use the caller's transaction instead.
   */
  transact: Transact;
  signer: CheckpointSigner;
  witnesses: Witness[];
  clock: Clock;
  logger: Logger;
  /** A checkpoint every N records. */
  checkpointEvery: number;
  /** Hears the outcome of every witness write (`error` set when it failed); without it, failures are logged. */
  onWitnessed?: (witness: Witness, treeSize: number, error?: unknown) => Promise<void> | void;
}

/** The end of the log: last sequence number, its hash, and the right edge of the Merkle tree. */
export interface Head {
  seq: number;
  hash: Buffer;
  frontier: Frontier;
}

export const EMPTY_HEAD: Head = { seq: 0, hash: GENESIS_HASH, frontier: new Frontier() };

export interface NextRecord {
  head: Head;
  record: { seq: number; body: string; hash: Buffer };
  nodes: (NodeRef & { hash: Buffer })[];
}

/** The record that follows `head`, and the Merkle nodes it completes. Pure: the one place a record is made. */
export function nextRecord(head: Head, entry: AuditEntry, at: number, id = newId()): NextRecord {
  const seq = head.seq + 1;
  const body = encodeRecord(entry, seq, id, at);
  const hash = recordHash(head.hash, body);
  const frontier = head.frontier.clone();
  const nodes = frontier.append(hash);
  return { head: { seq, hash, frontier }, record: { seq, body, hash }, nodes };
}

/** Reads the head from the database (the frontier from stored subtrees); `stored` when already read. */
export async function loadHead(db: ReadDb<Database>, stored?: { seq: number; hash: Buffer }): Promise<Head> {
  stored ??= await readHead(db);
  if (!stored) return EMPTY_HEAD;
  const hashes = await fetchNodes(db, perfectSubtrees([0, stored.seq]));
  return { seq: stored.seq, hash: stored.hash, frontier: Frontier.fromSubtrees(stored.seq, hashes) };
}

/**
 * The log's size and Merkle root from its stored subtrees (O(log n) reads): what a checkpoint would sign now.
 * Any read view will do, a snapshot's included; the sequence is normalised for drivers that answer bigints as text.
 */
export async function treeHeadOf(db: ReadDb<Database>): Promise<{ treeSize: number; rootHash: string }> {
  const stored = await readHead(db);
  const head = await loadHead(db, stored ? { seq: Number(stored.seq), hash: Buffer.from(stored.hash) } : undefined);
  return { treeSize: head.seq, rootHash: head.frontier.root().toString('hex') };
}

/**
 * The tamper-evident audit log. Appends run inside the caller's transaction, so a change and its record
 * commit or roll back together. Appenders are serialised (SQLite's one writer, a PostgreSQL advisory
 * lock), which keeps the chain linear and gap-free across processes.
 */
export class AuditLog implements AuditSink {
  /** The head as this process last committed it. */
  private cached: Head | undefined;
  private readonly pending = new WeakMap<UnitOfWork, Head>();

  constructor(private readonly deps: AuditLogDeps) {}

  async append(uow: UnitOfWork, entry: AuditEntry, at: number): Promise<{ seq: number; id: string }> {
    const id = newId();
    // Optimistic: build on the head this process last saw; if another process appended since, the
    // conditional append refuses, and the second try reads the head under the append lock.
    const guess = this.pending.get(uow) ?? this.cached ?? (await loadHead(uow.tx));
    const first = await this.tryAppend(uow, guess, entry, at, id);
    if (first) return first;
    this.cached = undefined;
    const second = await this.tryAppend(uow, await loadHead(uow.tx), entry, at, id);
    if (!second) throw new Error('audit append lost its head while holding the append lock');
    return second;
  }

  /** Signs a checkpoint over everything appended so far, unless the latest one already covers it. */
  async checkpointNow(): Promise<SignedCheckpoint | undefined> {
    return this.deps.transact(async (uow) => {
      const head = await this.lockedHead(uow);
      const latest = await latestCheckpoint(uow.tx);
      if (head.seq === 0 || (latest && latest.treeSize >= head.seq)) return undefined;
      return this.checkpoint(uow, head, this.deps.clock.now());
    });
  }

  private async tryAppend(uow: UnitOfWork, head: Head, entry: AuditEntry, at: number, id: string) {
    const next = nextRecord(head, entry, at, id);
    if (!(await appendIfHead(uow, head, next.record))) return undefined;
    await insertNodes(uow.tx as Kysely<Database>, next.nodes);
    this.pending.set(uow, next.head);
    uow.afterCommit(() => (this.cached = next.head));
    if (next.head.seq % this.deps.checkpointEvery === 0) await this.checkpoint(uow, next.head, at);
    return { seq: next.head.seq, id };
  }

  private async checkpoint(uow: UnitOfWork, head: Head, at: number): Promise<SignedCheckpoint> {
    const checkpoint = makeCheckpoint(this.deps.signer, head.seq, head.frontier.root(), at);
    await insertCheckpoint(uow.tx as Kysely<Database>, checkpoint, at);
    uow.afterCommit(() => this.witness(checkpoint));
    return checkpoint;
  }

  /** Resolves when every remote witness write started so far has ended (stop, tests, backups). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private readonly inFlight = new Set<Promise<void>>();

  private async witness(checkpoint: SignedCheckpoint): Promise<void> {
    for (const witness of this.deps.witnesses) {
      const write = this.witnessOne(witness, checkpoint);
      if (!witness.remote) {
        await write;
        continue;
      }
      // A remote witness is not awaited: the command that crossed a checkpoint answers at local speed, and an
      // unreachable object store cannot stall the plant. Its outcome still reaches the monitor.
      this.inFlight.add(write);
      void write.finally(() => this.inFlight.delete(write));
    }
  }

  private async witnessOne(witness: Witness, checkpoint: SignedCheckpoint): Promise<void> {
    let failure: unknown;
    try {
      await witness.record(checkpoint);
    } catch (error) {
      failure = error ?? new Error('witness write failed');
    }
    try {
      if (this.deps.onWitnessed) await this.deps.onWitnessed(witness, checkpoint.treeSize, failure);
      else if (failure !== undefined)
        this.deps.logger.error(
          { err: failure, witness: witness.name, treeSize: checkpoint.treeSize },
          'witness write failed',
        );
    } catch (error) {
      this.deps.logger.error({ err: error, witness: witness.name }, 'witness outcome could not be reported');
    }
  }

  private async lockedHead(uow: UnitOfWork): Promise<Head> {
    const inThisTransaction = this.pending.get(uow);
    if (inThisTransaction) return inThisTransaction;
    await lockForAppend(uow.tx as Kysely<Database>, uow.storage);
    const stored = await readHead(uow.tx);
    const cached = this.cached;
    if (!stored) return EMPTY_HEAD;
    if (cached && cached.seq === stored.seq && cached.hash.equals(stored.hash)) return cached;
    return loadHead(uow.tx, stored);
  }
}
