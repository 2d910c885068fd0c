import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { AuditReader } from './db.js';
import { consistencyRanges, foldSubtrees, inclusionRanges, perfectSubtrees, type LeafRange } from './merkle.js';
import { fetchNodes, latestCheckpoint, readHead } from './store.js';

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

/** Roots of several leaf ranges, fetched from stored subtrees in one or two queries. */
async function rangeRoots(reader: AuditReader, ranges: LeafRange[]): Promise<Buffer[]> {
  const perRange = ranges.map((range) => perfectSubtrees(range));
  const hashes = await fetchNodes(reader.db, perRange.flat());
  let at = 0;
  return perRange.map((refs) => {
    const slice = hashes.slice(at, at + refs.length);
    at += refs.length;
    return foldSubtrees(slice);
  });
}

async function currentSize(reader: AuditReader): Promise<number> {
  return (await readHead(reader.db))?.seq ?? 0;
}

/**
 * Proves that record `seq` is in the tree of `treeSize` records: by default the latest signed checkpoint,
 * or the current size when the record is newer than every checkpoint. O(log n) stored hashes.
 */
export async function inclusionProof(reader: AuditReader, seq: number, treeSize?: number): Promise<InclusionProof> {
  const latest = await latestCheckpoint(reader.db);
  const size = treeSize ?? (latest && latest.treeSize >= seq ? latest.treeSize : await currentSize(reader));
  if (seq < 1 || seq > size) throw new NotFoundError(`Record ${seq} is not in a log of ${size} records.`);
  if (treeSize !== undefined && treeSize > (await currentSize(reader)))
    throw new ValidationError(`The log has fewer than ${treeSize} records.`);
  const [leaf, root, ...path] = await rangeRoots(reader, [
    [seq - 1, seq],
    [0, size],
    ...inclusionRanges(seq - 1, size),
  ]);
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
  const size = await currentSize(reader);
  if (fromSize < 1 || fromSize > toSize || toSize > size) {
    throw new ValidationError(`A consistency proof needs 1 <= from <= to <= ${size}; got ${fromSize} and ${toSize}.`);
  }
  const [fromRoot, toRoot, ...path] = await rangeRoots(reader, [
    [0, fromSize],
    [0, toSize],
    ...consistencyRanges(fromSize, toSize),
  ]);
  return {
    fromSize,
    toSize,
    fromRoot: fromRoot!.toString('hex'),
    toRoot: toRoot!.toString('hex'),
    path: path.map((h) => h.toString('hex')),
  };
}
