import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import type { AuditEntry, AuditSink } from '../../kernel/pipeline/types.js';
import { inTransaction, type Storage, type UnitOfWork } from '../../storage/storage.js';
import { makeCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { Frontier, perfectSubtrees } from './merkle.js';
import { encodeRecord, GENESIS_HASH, recordHash } from './record.js';
import type { CheckpointSigner } from './signer.js';
import {
  fetchNodes,
  insertCheckpoint,
  insertNodes,
  insertRecord,
  latestCheckpoint,
  lockForAppend,
  readHead,
} from './store.js';
import type { Witness } from './witness.js';

export interface AuditLogDeps {
  storage: Storage;
  signer: CheckpointSigner;
  witnesses: Witness[];
  clock: Clock;
  logger: Logger;
  /** A checkpoint every N records. */
  checkpointEvery: number;
}

interface Head {
  seq: number;
  hash: Buffer;
  frontier: Frontier;
}

/**
 * The tamper-evident audit log. Appends run inside the caller's transaction, so a change and its record
 * commit or roll back together. Appenders are serialised (one writer on SQLite, an advisory lock on
 * PostgreSQL), which keeps the chain linear and gap-free across processes.
 */
export class AuditLog implements AuditSink {
  /** The head as this process last committed it; reused while no other process has appended since. */
  private cached: Head | undefined;
  private readonly pending = new WeakMap<UnitOfWork, Head>();

  constructor(private readonly deps: AuditLogDeps) {}

  async append(uow: UnitOfWork, entry: AuditEntry, at: number): Promise<{ seq: number; id: string }> {
    const head = await this.lockedHead(uow);
    const seq = head.seq + 1;
    const id = newId();
    const body = encodeRecord(entry, seq, id, at);
    const hash = recordHash(head.hash, body);
    const frontier = head.frontier.clone();
    const nodes = frontier.append(hash);
    await insertRecord(uow.tx, seq, body, hash);
    await insertNodes(uow.tx, nodes);
    const next: Head = { seq, hash, frontier };
    this.pending.set(uow, next);
    uow.afterCommit(() => (this.cached = next));
    if (seq % this.deps.checkpointEvery === 0) await this.checkpoint(uow, next, at);
    return { seq, id };
  }

  /** Signs a checkpoint over everything appended so far, unless the latest one already covers it. */
  async checkpointNow(): Promise<SignedCheckpoint | undefined> {
    return inTransaction(this.deps.storage, this.deps.logger, async (uow) => {
      const head = await this.lockedHead(uow);
      const latest = await latestCheckpoint(uow.tx);
      if (head.seq === 0 || (latest && latest.treeSize >= head.seq)) return undefined;
      return this.checkpoint(uow, head, this.deps.clock.now());
    });
  }

  private async checkpoint(uow: UnitOfWork, head: Head, at: number): Promise<SignedCheckpoint> {
    const checkpoint = makeCheckpoint(this.deps.signer, head.seq, head.frontier.root(), at);
    await insertCheckpoint(uow.tx, checkpoint, at);
    uow.afterCommit(() => this.witness(checkpoint));
    return checkpoint;
  }

  private witness(checkpoint: SignedCheckpoint): void {
    for (const witness of this.deps.witnesses) {
      try {
        witness.record(checkpoint);
      } catch (error) {
        this.deps.logger.error(
          { err: error, witness: witness.name, treeSize: checkpoint.treeSize },
          'witness write failed',
        );
      }
    }
  }

  private async lockedHead(uow: UnitOfWork): Promise<Head> {
    const inThisTransaction = this.pending.get(uow);
    if (inThisTransaction) return inThisTransaction;
    await lockForAppend(uow.tx, this.deps.storage);
    const stored = await readHead(uow.tx);
    if (!stored) return { seq: 0, hash: GENESIS_HASH, frontier: new Frontier() };
    const cached = this.cached;
    if (cached && cached.seq === stored.seq && cached.hash.equals(stored.hash)) return cached;
    const hashes = await fetchNodes(uow.tx, perfectSubtrees([0, stored.seq]));
    return { seq: stored.seq, hash: stored.hash, frontier: Frontier.fromSubtrees(stored.seq, hashes) };
  }
}
