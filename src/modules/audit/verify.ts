import type { KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint.js';
import { Frontier } from './merkle.js';
import { GENESIS_HASH, recordHash } from './record.js';
import { verifySignature } from '../../kernel/keys/key-store.js';

export interface StoredRecord {
  seq: number;
  body: string;
  hash: Buffer;
}

export interface CheckpointCopy {
  /** `database` or the witness file it came from. */
  origin: string;
  body: string;
  signature: Buffer;
}

export type ProblemKind =
  | 'missing-record'
  | 'changed-record'
  | 'moved-record'
  | 'checkpoint-mismatch'
  | 'truncated'
  | 'forged-checkpoint'
  | 'foreign-checkpoint';

export interface Problem {
  kind: ProblemKind;
  /** The first bad record this problem points at. */
  seq?: number;
  treeSize?: number;
  origin?: string;
  message: string;
}

export interface VerificationReport {
  ok: boolean;
  recordsChecked: number;
  checkpointsChecked: number;
  latestCheckpoint: number | null;
  /** Records after the latest valid checkpoint: protected by the chain only, until the next checkpoint. */
  unsignedTail: number;
  firstBadSeq: number | null;
  problems: Problem[];
}

/**
 * Checks a log record by record against its hash chain and against every signed checkpoint, whether
 * kept in the database or by a witness. No I/O: the caller streams records in and asks for the report.
 */
export class LogVerifier {
  private readonly expectedRoots = new Map<number, { root: string; origin: string }>();
  private readonly problems: Problem[] = [];
  private readonly frontier = new Frontier();
  private previous: Buffer = GENESIS_HASH;
  private broken = false;
  private lastGoodCheckpoint = 0;

  constructor(publicKey: KeyObject, keyId: string, checkpoints: CheckpointCopy[]) {
    for (const copy of checkpoints) this.admit(publicKey, keyId, copy);
  }

  get checkedUpTo(): number {
    return this.frontier.size;
  }

  /** Feeds the next record in sequence order; returns false once the chain is broken and reading can stop. */
  push(record: StoredRecord): boolean {
    if (this.broken) return false;
    const expected = this.frontier.size + 1;
    if (record.seq !== expected)
      return this.fail(
        'missing-record',
        expected,
        `record ${expected} is missing (the next stored record is ${record.seq})`,
      );
    const hash = recordHash(this.previous, record.body);
    if (!hash.equals(record.hash)) return this.explainMismatch(record);
    this.previous = hash;
    this.frontier.append(hash);
    this.checkRoot(record.seq);
    return !this.broken;
  }

  finish(): VerificationReport {
    const size = this.frontier.size;
    const signedSizes = [...this.expectedRoots.keys()];
    if (!this.broken) {
      const beyond = signedSizes.filter((treeSize) => treeSize > size).sort((a, b) => b - a)[0];
      if (beyond !== undefined) {
        const origin = this.expectedRoots.get(beyond)!.origin;
        this.fail(
          'truncated',
          size + 1,
          `the log ends at record ${size}, but a checkpoint (${origin}) covers ${beyond} records`,
        );
      }
    }
    const seqs = this.problems.map((p) => p.seq).filter((s): s is number => s !== undefined);
    const latest = signedSizes.length > 0 ? Math.max(...signedSizes) : null;
    return {
      ok: this.problems.length === 0,
      recordsChecked: size,
      checkpointsChecked: signedSizes.length,
      latestCheckpoint: latest,
      unsignedTail: Math.max(0, size - (latest ?? 0)),
      firstBadSeq: seqs.length > 0 ? Math.min(...seqs) : null,
      problems: this.problems,
    };
  }

  private admit(publicKey: KeyObject, keyId: string, copy: CheckpointCopy): void {
    const parsed = parseCheckpoint(copy.body);
    if (!parsed || !verifySignature(publicKey, Buffer.from(copy.body, 'utf8'), copy.signature)) {
      this.problems.push({
        kind: 'forged-checkpoint',
        treeSize: parsed?.treeSize,
        origin: copy.origin,
        message: `checkpoint ${parsed ? `at tree size ${parsed.treeSize} ` : ''}from ${copy.origin} has no valid signature`,
      });
      return;
    }
    if (parsed.log !== keyId) {
      this.problems.push({
        kind: 'foreign-checkpoint',
        treeSize: parsed.treeSize,
        origin: copy.origin,
        message: `checkpoint from ${copy.origin} belongs to another log (${parsed.log})`,
      });
      return;
    }
    const known = this.expectedRoots.get(parsed.treeSize);
    if (known && known.root !== parsed.rootHash) {
      this.problems.push({
        kind: 'checkpoint-mismatch',
        treeSize: parsed.treeSize,
        origin: copy.origin,
        message: `two validly signed checkpoints for tree size ${parsed.treeSize} disagree (${known.origin}, ${copy.origin}): the signing key may be compromised`,
      });
      return;
    }
    this.expectedRoots.set(parsed.treeSize, { root: parsed.rootHash, origin: copy.origin });
  }

  private checkRoot(seq: number): void {
    const expected = this.expectedRoots.get(seq);
    if (!expected) return;
    if (this.frontier.root().toString('hex') === expected.root) {
      this.lastGoodCheckpoint = seq;
      return;
    }
    // The chain held, so the records were rewritten and re-chained: the damage lies after the last good checkpoint.
    this.fail(
      'checkpoint-mismatch',
      this.lastGoodCheckpoint + 1,
      `records ${this.lastGoodCheckpoint + 1}..${seq} do not match the checkpoint signed at tree size ${seq} (${expected.origin})`,
    );
  }

  /** A record that fails its hash was changed, or moved here from elsewhere: its body names its true place. */
  private explainMismatch(record: StoredRecord): boolean {
    const claimed = claimedSeq(record.body);
    if (claimed !== undefined && claimed !== record.seq) {
      const first = Math.min(claimed, record.seq);
      const moved =
        claimed < record.seq
          ? `record ${claimed} now stands at ${record.seq}: a record was inserted before it`
          : `record ${claimed} now stands at ${record.seq}: records were deleted or swapped`;
      return this.fail('moved-record', first, moved);
    }
    return this.fail(
      'changed-record',
      record.seq,
      `record ${record.seq} does not match its hash: its content was changed`,
    );
  }

  private fail(kind: ProblemKind, seq: number, message: string): boolean {
    this.problems.push({ kind, seq, message });
    this.broken = true;
    return false;
  }
}

function claimedSeq(body: string): number | undefined {
  try {
    const seq = (JSON.parse(body) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}
