import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing and proofs in the style of RFC 9162 (Certificate Transparency v2), sections 2.1.1-2.1.4.
 * Pure functions only: no I/O, so the same code proves on the server and verifies in any client.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** Hash of a leaf whose data is the concatenation of `parts` (RFC 9162: SHA-256(0x00 || data)). */
export function leafHash(...parts: (Buffer | string)[]): Buffer {
  const hash = createHash('sha256').update(LEAF_PREFIX);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest();

// One-shot hashing (crypto.hash, Node 20.12+) skips a Hash object per call; createHash on older Node 20.
export const sha256: (data: string | Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer')
    : (data) => crypto.createHash('sha256').update(data).digest();

const NODE = Buffer.alloc(65, 0x01); // 0x01 ‖ left ‖ right, reused: one hash input per interior node

/**
 * Hash of an interior node (RFC 9162: SHA-256(0x01 || left || right)). Children are SHA-256 hashes (32 bytes),
 * copied into one reused input and hashed in one shot: every append and every proof or verification step
 * computes these, and a Hash object per node cost as much again. Anything else takes the general path.
 */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== 32 || right.length !== 32)
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  left.copy(NODE, 1);
  right.copy(NODE, 33);
  return sha256(NODE);
}

/**
 * RFC 9162 Merkle tree hash over leaves given by their data (UTF-8 text, e.g. canonical JSON), in order,
 * with the same leaf and node hashing as the log: what telemetry batches (ingest, OPC UA) chain into their
 * audit record. Built level by level, a last node without a sibling moving up unchanged, which yields the
 * RFC's root (its left subtree is always the largest power of two); one-shot hashing because it runs for
 * every value ingested. merkle.test.ts checks it against the reference functions below.
 */
export function merkleTreeHash(leafData: readonly string[]): Buffer {
  if (leafData.length === 0) return EMPTY_ROOT;
  // "\u0000" is the single byte 0x00 in UTF-8: the RFC's leaf prefix.
  let level: Buffer[] = leafData.map((data) => sha256(`\u0000${data}`));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level.at(-1)!);
    level = next;
  }
  return level[0]!;
}

/** A perfect, aligned subtree: `2^level` leaves starting at leaf `index * 2^level`. */
export interface NodeRef {
  level: number;
  index: number;
}

export type LeafRange = readonly [start: number, end: number];

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Splits leaves [start, end) into the perfect aligned subtrees whose hashes make up its root, left to right. */
export function perfectSubtrees([start, end]: LeafRange): NodeRef[] {
  const refs: NodeRef[] = [];
  let at = start;
  while (at < end) {
    let size = 1;
    while (size * 2 <= end - at && at % (size * 2) === 0) size *= 2;
    refs.push({ level: Math.log2(size), index: at / size });
    at += size;
  }
  return refs;
}

/** Root of a perfect subtree from its 2^k leaf hashes, pairing level by level. */
export function perfectRoot(leaves: Buffer[]): Buffer {
  let level = leaves;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  if (level.length !== 1) throw new RangeError('a perfect subtree needs 2^k leaves');
  return level[0]!;
}

/** Root of a range from the hashes of its perfect subtrees (as listed by `perfectSubtrees`). */
export function foldSubtrees(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The ranges whose roots form the inclusion path of leaf `m` in a tree of `size` leaves (RFC 9162 2.1.3.1). */
export function inclusionRanges(m: number, size: number): LeafRange[] {
  if (m < 0 || m >= size) throw new RangeError(`leaf ${m} is not in a tree of ${size} leaves`);
  const path: LeafRange[] = [];
  let [start, end] = [0, size];
  const siblings: LeafRange[] = [];
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    if (m < start + k) {
      siblings.push([start + k, end]);
      end = start + k;
    } else {
      siblings.push([start, start + k]);
      start += k;
    }
  }
  // The recursion in the RFC lists the deepest sibling first.
  for (let i = siblings.length - 1; i >= 0; i--) path.push(siblings[i]!);
  return path;
}

/** The ranges whose roots form the consistency proof from `oldSize` to `newSize` (RFC 9162 2.1.4.1). */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  if (oldSize < 1 || oldSize > newSize) throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  const reversed: LeafRange[] = [];
  let [m, start, end, complete] = [oldSize, 0, newSize, true];
  while (m !== end - start) {
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      reversed.push([start + k, end]);
      end = start + k;
    } else {
      reversed.push([start, start + k]);
      m -= k;
      start += k;
      complete = false;
    }
  }
  if (!complete) reversed.push([start, end]);
  return reversed.reverse();
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** Verifies an inclusion proof (RFC 9162 2.1.3.2). */
export function verifyInclusion(index: number, size: number, leaf: Buffer, path: Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let [fn, sn, r] = [index, size - 1, leaf];
  for (const p of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/** Verifies a consistency proof between two tree heads (RFC 9162 2.1.4.2). */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: Buffer[],
): boolean {
  if (oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : proof;
  let [fn, sn] = [oldSize - 1, newSize - 1];
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/**
 * The right edge of a growing tree: one perfect-subtree hash per set bit of the size. Appending a leaf
 * returns the interior nodes it completes, so a store can keep every perfect subtree for O(log n) proofs.
 */
export class Frontier {
  /** `levels[l]` holds the hash of the perfect subtree of 2^l leaves on the right edge, if any. */
  constructor(
    public size = 0,
    private readonly levels: (Buffer | undefined)[] = [],
  ) {}

  static fromSubtrees(size: number, hashes: Buffer[]): Frontier {
    const refs = perfectSubtrees([0, size]);
    const levels: (Buffer | undefined)[] = [];
    refs.forEach((ref, i) => (levels[ref.level] = hashes[i]));
    return new Frontier(size, levels);
  }

  append(leaf: Buffer): (NodeRef & { hash: Buffer })[] {
    const created: (NodeRef & { hash: Buffer })[] = [];
    let [hash, level, index] = [leaf, 0, this.size];
    while (this.levels[level]) {
      hash = nodeHash(this.levels[level]!, hash);
      this.levels[level] = undefined;
      level += 1;
      index = half(index);
      created.push({ level, index, hash });
    }
    this.levels[level] = hash;
    this.size += 1;
    return created;
  }

  root(): Buffer {
    let acc: Buffer | undefined;
    for (const hash of this.levels) {
      if (hash) acc = acc ? nodeHash(hash, acc) : hash;
    }
    return acc ?? EMPTY_ROOT;
  }

  clone(): Frontier {
    // slice, not spread: the levels are holey (fromSubtrees) and spreading a holey array is several times slower.
    return new Frontier(this.size, this.levels.slice());
  }
}
