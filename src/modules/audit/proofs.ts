import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { AuditReader } from './db.js';
import { consistencyRanges, foldSubtrees, inclusionRanges, perfectSubtrees, type LeafRange } from './merkle.js';
import { fetchNodes, readTreeView } from './store.js';

export interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
  rootHash: string;
  /** The signed checkpoint the proof leads to; absent when the record is newer than every checkpoint. */
  checkpoint: { body: string; signature: string } | null;
}

/** Each range's perfect subtrees, and the ranges' roots once those subtrees' hashes are known. */
function rangePlan(ranges: LeafRange[]) {
  const perRange = ranges.map((range) => perfectSubtrees(range));
  return {
    refs: perRange.flat(),
    roots(hashes: Buffer[]): Buffer[] {
      let at = 0;
      return perRange.map((refs) => {
        const slice = hashes.slice(at, at + refs.length);
        at += refs.length;
        return foldSubtrees(slice);
      });
    },
  };
}

/** Roots of several leaf ranges, fetched from stored subtrees in one query. */
async function rangeRoots(reader: AuditReader, ranges: LeafRange[]): Promise<Buffer[]> {
  const plan = rangePlan(ranges);
  return plan.roots(await fetchNodes(reader.db, plan.refs));
}

/**
 * Tree sizes a proof may name and still get a speculative read: node keys (store.ts) are exact below 2^40 leaves,
 * and anything larger is refused by the size checks anyway.
 */
const SPECULATION_LIMIT = 2 ** 40;

/**
 * The tree size of the latest checkpoint last read from each database. A proof guesses that it is still the
 * latest and reads the checkpoint, the head and the nodes of that tree in one query; only when a checkpoint has
 * been signed since (or the record is newer than it) does a second query read the nodes of the right tree.
 */
const lastCheckpointSize = new WeakMap<object, number>();

const inclusionRangesOf = (seq: number, size: number): LeafRange[] => [
  [seq - 1, seq],
  [0, size],
  ...inclusionRanges(seq - 1, size),
];

/**
 * Proves that record `seq` is in the tree of `treeSize` records: by default the latest signed checkpoint,
 * or the current size when the record is newer than every checkpoint. O(log n) stored hashes, in one query
 * when the latest checkpoint is the one last seen.
 */
export async function inclusionProof(reader: AuditReader, seq: number, treeSize?: number): Promise<InclusionProof> {
  const guess = treeSize ?? lastCheckpointSize.get(reader.db);
  const guessed =
    guess !== undefined && seq >= 1 && seq <= guess && guess < SPECULATION_LIMIT
      ? rangePlan(inclusionRangesOf(seq, guess))
      : undefined;
  const view = await readTreeView(reader, guessed?.refs ?? []);
  const latest = view.latest;
  if (latest) lastCheckpointSize.set(reader.db, latest.treeSize);
  const size = treeSize ?? (latest && latest.treeSize >= seq ? latest.treeSize : view.size);
  if (seq < 1 || seq > size) throw new NotFoundError(`Record ${seq} is not in a log of ${size} records.`);
  if (treeSize !== undefined && treeSize > view.size)
    throw new ValidationError(`The log has fewer than ${treeSize} records.`);
  const [leaf, root, ...path] =
    guessed && size === guess
      ? guessed.roots(view.hashes(guessed.refs))
      : await rangeRoots(reader, inclusionRangesOf(seq, size));
  const signed = latest?.treeSize === size ? latest : undefined;
  return {
    seq,
    leafIndex: seq - 1,
    treeSize: size,
    leafHash: leaf!.toString('hex'),
    path: path.map((hash) => hash.toString('hex')),
    rootHash: root!.toString('hex'),
    checkpoint: signed ? { body: signed.body, signature: signed.signature.toString('base64') } : null,
  };
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  path: string[];
}

/** Proves that the log of `toSize` records extends the log of `fromSize` records without rewriting it. */
export async function consistencyProof(
  reader: AuditReader,
  fromSize: number,
  toSize: number,
): Promise<ConsistencyProof> {
  const plausible = fromSize >= 1 && fromSize <= toSize && toSize < SPECULATION_LIMIT;
  const plan = plausible ? rangePlan([[0, fromSize], [0, toSize], ...consistencyRanges(fromSize, toSize)]) : undefined;
  // The size and the nodes in one query: the nodes are used only once the size shows the request is valid.
  const view = await readTreeView(reader, plan?.refs ?? []);
  const size = view.size;
  if (!plan || toSize > size) {
    throw new ValidationError(`A consistency proof needs 1 <= from <= to <= ${size}; got ${fromSize} and ${toSize}.`);
  }
  const [fromRoot, toRoot, ...path] = plan.roots(view.hashes(plan.refs));
  return {
    fromSize,
    toSize,
    fromRoot: fromRoot!.toString('hex'),
    toRoot: toRoot!.toString('hex'),
    path: path.map((h) => h.toString('hex')),
  };
}
