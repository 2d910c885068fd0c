import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  Frontier,
  consistencyRanges,
  foldSubtrees,
  inclusionRanges,
  leafHash,
  merkleTreeHash,
  nodeHash,
  perfectSubtrees,
  verifyConsistency,
  verifyInclusion,
  type LeafRange,
  type NodeRef,
} from './merkle.js';

// ---------------------------------------------------------------------------------------------
// Independent reference: RFC 9162 section 2.1, written from the text, sharing no code with merkle.ts.
// ---------------------------------------------------------------------------------------------

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const refLeaf = (data: Uint8Array): Buffer => sha256(Uint8Array.of(0x00), data);
const refNode = (left: Buffer, right: Buffer): Buffer => sha256(Uint8Array.of(0x01), left, right);

/** The largest power of two smaller than n (n > 1), by repeated doubling. */
function splitPoint(n: number): number {
  let k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

/** MTH, PATH and PROOF of RFC 9162 2.1.1 / 2.1.3.1 / 2.1.4.1, recursing on the list of leaf hashes. */
class ReferenceTree {
  private readonly memo = new Map<string, Buffer>();

  constructor(readonly leaves: readonly Buffer[]) {}

  /** MTH(D[start:end]). */
  mth(start = 0, end = this.leaves.length): Buffer {
    const n = end - start;
    if (n === 0) return sha256();
    if (n === 1) return this.leaves[start]!;
    const key = `${start}:${end}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    const k = splitPoint(n);
    const hash = refNode(this.mth(start, start + k), this.mth(start + k, end));
    this.memo.set(key, hash);
    return hash;
  }

  /** PATH(m, D[start:end]), m relative to start. */
  path(m: number, start = 0, end = this.leaves.length): Buffer[] {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, start, start + k), this.mth(start + k, end)];
    return [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  /** PROOF(m, D[start:end]) = SUBPROOF(m, D[start:end], true). */
  proof(m: number, start = 0, end = this.leaves.length): Buffer[] {
    return this.subproof(m, start, end, true);
  }

  private subproof(m: number, start: number, end: number, b: boolean): Buffer[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.mth(start, end)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, start, start + k, b), this.mth(start + k, end)];
    return [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }
}

/** Reference inclusion check: rebuilds the root by mirroring PATH's recursion; undefined if the shape is wrong. */
function refRootFromPath(m: number, n: number, leaf: Buffer, path: readonly Buffer[]): Buffer | undefined {
  if (m < 0 || m >= n) return undefined;
  if (n === 1) return path.length === 0 ? leaf : undefined;
  if (path.length === 0) return undefined;
  const last = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  const k = splitPoint(n);
  if (m < k) {
    const left = refRootFromPath(m, k, leaf, rest);
    return left && refNode(left, last);
  }
  const right = refRootFromPath(m - k, n - k, leaf, rest);
  return right && refNode(last, right);
}

const refVerifyInclusion = (m: number, n: number, leaf: Buffer, path: readonly Buffer[], root: Buffer): boolean =>
  refRootFromPath(m, n, leaf, path)?.equals(root) ?? false;

/** Reference consistency check: rebuilds both roots by mirroring SUBPROOF's recursion. */
function refVerifyConsistency(
  m: number,
  n: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (m < 1 || m > n) return false;
  const stack = [...proof];
  const rebuild = (m: number, n: number, b: boolean): { old: Buffer; new: Buffer } | undefined => {
    if (m === n) {
      if (b) return { old: oldRoot, new: oldRoot };
      const x = stack.pop();
      return x && { old: x, new: x };
    }
    const last = stack.pop();
    if (!last) return undefined;
    const k = splitPoint(n);
    if (m <= k) {
      const sub = rebuild(m, k, b);
      return sub && { old: sub.old, new: refNode(sub.new, last) };
    }
    const sub = rebuild(m - k, n - k, false);
    return sub && { old: refNode(last, sub.old), new: refNode(last, sub.new) };
  };
  const roots = rebuild(m, n, true);
  return roots !== undefined && stack.length === 0 && roots.old.equals(oldRoot) && roots.new.equals(newRoot);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Distinct leaves (data includes the index), so no two subtrees hash alike and mutations cannot pass by symmetry. */
function distinctLeaves(n: number, salt = 'leaf'): Buffer[] {
  return Array.from({ length: n }, (_, i) => refLeaf(Buffer.from(`${salt}-${i}`)));
}

const key = (ref: NodeRef): string => `${ref.level}:${ref.index}`;

/** Appends every leaf to a Frontier and keeps what a store would keep: the leaves and every node returned. */
function buildStore(leaves: readonly Buffer[]): { frontier: Frontier; nodes: Map<string, Buffer> } {
  const frontier = new Frontier();
  const nodes = new Map<string, Buffer>();
  leaves.forEach((leaf, i) => {
    nodes.set(key({ level: 0, index: i }), leaf);
    for (const created of frontier.append(leaf)) nodes.set(key(created), created.hash);
  });
  return { frontier, nodes };
}

function rangeRoot(nodes: Map<string, Buffer>, range: LeafRange): Buffer {
  return foldSubtrees(
    perfectSubtrees(range).map((ref) => {
      const hash = nodes.get(key(ref));
      if (!hash) throw new Error(`no stored node ${key(ref)} for range [${range[0]}, ${range[1]})`);
      return hash;
    }),
  );
}

const flipByte = (buf: Buffer, at: number): Buffer => {
  const copy = Buffer.from(buf);
  copy[at % copy.length]! ^= 0x01;
  return copy;
};

const hex = (list: readonly Buffer[]): string[] => list.map((b) => b.toString('hex'));

const leafData = fc.uint8Array({ maxLength: 24 });

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('hash primitives', () => {
  it('leafHash is SHA-256(0x00 || data) over all parts, nodeHash is SHA-256(0x01 || left || right)', () => {
    fc.assert(
      fc.property(leafData, leafData, (a, b) => {
        const ab = Buffer.concat([a, b]);
        expect(leafHash(Buffer.from(a), Buffer.from(b)).equals(refLeaf(ab))).toBe(true);
        const l = refLeaf(a);
        const r = refLeaf(b);
        expect(nodeHash(l, r).equals(refNode(l, r))).toBe(true);
      }),
    );
    expect(leafHash('abc').equals(refLeaf(Buffer.from('abc', 'utf8')))).toBe(true);
    // Domain separation: a leaf never hashes like a node over the same bytes.
    const l = refLeaf(Buffer.from('x'));
    expect(leafHash(Buffer.concat([l, l])).equals(nodeHash(l, l))).toBe(false);
  });

  it('the empty root is SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Frontier().root().equals(EMPTY_ROOT)).toBe(true);
    expect(foldSubtrees([]).equals(EMPTY_ROOT)).toBe(true);
  });

  it('matches hand-computed roots for 1, 2, 3 and 5 leaves', () => {
    const [a, b, c, d, e] = distinctLeaves(5) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const rootOf = (leaves: Buffer[]) => {
      const f = new Frontier();
      for (const leaf of leaves) f.append(leaf);
      return f.root();
    };
    expect(rootOf([a]).equals(a)).toBe(true);
    expect(rootOf([a, b]).equals(refNode(a, b))).toBe(true);
    expect(rootOf([a, b, c]).equals(refNode(refNode(a, b), c))).toBe(true);
    expect(rootOf([a, b, c, d, e]).equals(refNode(refNode(refNode(a, b), refNode(c, d)), e))).toBe(true);
    // Not the "duplicate the last node" Bitcoin style.
    expect(rootOf([a, b, c]).equals(refNode(refNode(a, b), refNode(c, c)))).toBe(false);
  });
});

describe('Frontier', () => {
  it('root equals the reference MTH after every append, n = 1..300', () => {
    const leaves = distinctLeaves(300);
    const ref = new ReferenceTree(leaves);
    const frontier = new Frontier();
    leaves.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(frontier.size).toBe(i + 1);
      expect(frontier.root().toString('hex')).toBe(ref.mth(0, i + 1).toString('hex'));
    });
  });

  it('root equals the reference MTH for random leaves (property)', () => {
    fc.assert(
      fc.property(fc.array(leafData, { minLength: 1, maxLength: 300 }), (data) => {
        const leaves = data.map(refLeaf);
        const frontier = new Frontier();
        for (const leaf of leaves) frontier.append(leaf);
        expect(frontier.size).toBe(leaves.length);
        expect(frontier.root().equals(new ReferenceTree(leaves).mth())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('append returns exactly the perfect subtrees the new leaf completes, with reference hashes', () => {
    fc.assert(
      fc.property(fc.array(leafData, { minLength: 1, maxLength: 300 }), (data) => {
        const leaves = data.map(refLeaf);
        const ref = new ReferenceTree(leaves);
        const frontier = new Frontier();
        const all = new Set<string>();
        leaves.forEach((leaf, i) => {
          const created = frontier.append(leaf);
          // Leaf i completes the subtrees of levels 1..t where t is the number of trailing one bits of i.
          let trailingOnes = 0;
          while (((i >> trailingOnes) & 1) === 1) trailingOnes += 1;
          expect(created.map((c) => c.level)).toEqual(Array.from({ length: trailingOnes }, (_, l) => l + 1));
          for (const { level, index, hash } of created) {
            const width = 2 ** level;
            expect(index).toBe(Math.floor(i / width));
            expect((index + 1) * width).toBe(i + 1);
            expect(hash.equals(ref.mth(index * width, (index + 1) * width))).toBe(true);
            all.add(`${level}:${index}`);
          }
        });
        // Every interior perfect subtree of the final tree was reported once: n - popcount(n) of them.
        const n = leaves.length;
        const popcount = n.toString(2).replaceAll('0', '').length;
        expect(all.size).toBe(n - popcount);
      }),
      { numRuns: 60 },
    );
  });

  it('fromSubtrees resumes a frontier that keeps producing reference roots and nodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 1, max: 150 }), (start, more) => {
        const leaves = distinctLeaves(start + more, `resume-${start}`);
        const ref = new ReferenceTree(leaves);
        const refs = perfectSubtrees([0, start]);
        const hashes = refs.map((r) => ref.mth(r.index * 2 ** r.level, (r.index + 1) * 2 ** r.level));
        const resumed = Frontier.fromSubtrees(start, hashes);
        expect(resumed.size).toBe(start);
        expect(resumed.root().equals(ref.mth(0, start))).toBe(true);
        for (let i = start; i < start + more; i++) {
          for (const { level, index, hash } of resumed.append(leaves[i]!)) {
            expect(hash.equals(ref.mth(index * 2 ** level, (index + 1) * 2 ** level))).toBe(true);
          }
          expect(resumed.root().equals(ref.mth(0, i + 1))).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('clone is independent of the original', () => {
    const leaves = distinctLeaves(13);
    const ref = new ReferenceTree(leaves);
    const a = new Frontier();
    for (const leaf of leaves.slice(0, 7)) a.append(leaf);
    const b = a.clone();
    for (const leaf of leaves.slice(7)) b.append(leaf);
    expect(a.size).toBe(7);
    expect(a.root().equals(ref.mth(0, 7))).toBe(true);
    expect(b.size).toBe(13);
    expect(b.root().equals(ref.mth(0, 13))).toBe(true);
  });
});

describe('perfectSubtrees and foldSubtrees', () => {
  it('[0, n) splits into decreasing aligned powers of two whose fold is the MTH (property)', () => {
    fc.assert(
      fc.property(fc.array(leafData, { minLength: 1, maxLength: 300 }), (data) => {
        const leaves = data.map(refLeaf);
        const n = leaves.length;
        const ref = new ReferenceTree(leaves);
        const refs = perfectSubtrees([0, n]);
        // One subtree per set bit of n, largest first.
        expect(refs.map((r) => 2 ** r.level)).toEqual(
          [...n.toString(2)].map((bit, i, bits) => (bit === '1' ? 2 ** (bits.length - 1 - i) : 0)).filter(Boolean),
        );
        const hashes = refs.map((r) => ref.mth(r.index * 2 ** r.level, (r.index + 1) * 2 ** r.level));
        expect(foldSubtrees(hashes).equals(ref.mth())).toBe(true);
        // The same through the nodes a Frontier reports.
        expect(rangeRoot(buildStore(leaves).nodes, [0, n]).equals(ref.mth())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('any range splits into contiguous, aligned perfect subtrees covering it exactly', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const refs = perfectSubtrees([start, end]);
        let at = start;
        for (const { level, index } of refs) {
          expect(Number.isInteger(level) && level >= 0).toBe(true);
          expect(Number.isInteger(index)).toBe(true);
          expect(index * 2 ** level).toBe(at);
          at += 2 ** level;
        }
        expect(at).toBe(end);
        if (start === end) expect(refs).toEqual([]);
      }),
    );
  });

  it('a single leaf range is the leaf itself', () => {
    expect(perfectSubtrees([5, 6])).toEqual([{ level: 0, index: 5 }]);
    expect(perfectSubtrees([8, 16])).toEqual([{ level: 3, index: 1 }]);
    expect(perfectSubtrees([0, 7])).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
  });
});

describe('merkleTreeHash', () => {
  it('equals the reference MTH over the UTF-8 leaf data, for 0 to 300 leaves (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 300 }), (texts) => {
        const ref = new ReferenceTree(texts.map((text) => refLeaf(Buffer.from(text, 'utf8'))));
        expect(merkleTreeHash(texts).equals(texts.length === 0 ? EMPTY_ROOT : ref.mth())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('inclusion proofs', () => {
  it('inclusionRanges folded are exactly the reference PATH and verify, for every m < n <= 64', () => {
    const leaves = distinctLeaves(64);
    for (let n = 1; n <= 64; n++) {
      const ref = new ReferenceTree(leaves.slice(0, n));
      const { nodes } = buildStore(leaves.slice(0, n));
      const root = ref.mth();
      for (let m = 0; m < n; m++) {
        const ranges = inclusionRanges(m, n);
        const path = ranges.map((range) => rangeRoot(nodes, range));
        expect(hex(path), `PATH(${m}, ${n})`).toEqual(hex(ref.path(m)));
        // The ranges themselves are the subtrees PATH names, and their MTHs agree with the fold.
        for (const [s, e] of ranges) expect(ref.mth(s, e).equals(rangeRoot(nodes, [s, e]))).toBe(true);
        expect(verifyInclusion(m, n, leaves[m]!, path, root), `verify(${m}, ${n})`).toBe(true);
      }
    }
  });

  it('agrees with the reference PATH for random trees up to 300 leaves (property)', () => {
    fc.assert(
      fc.property(fc.array(leafData, { minLength: 1, maxLength: 300 }), fc.nat(), (data, seed) => {
        const leaves = data.map(refLeaf);
        const n = leaves.length;
        const m = seed % n;
        const ref = new ReferenceTree(leaves);
        const path = inclusionRanges(m, n).map((range) => rangeRoot(buildStore(leaves).nodes, range));
        expect(hex(path)).toEqual(hex(ref.path(m)));
        expect(verifyInclusion(m, n, leaves[m]!, path, ref.mth())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects mutated proofs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        (n, seedM, seedByte, otherSize) => {
          const leaves = distinctLeaves(n, `mut-${n}`);
          const ref = new ReferenceTree(leaves);
          const root = ref.mth();
          const m = seedM % n;
          const leaf = leaves[m]!;
          const path = ref.path(m);
          expect(verifyInclusion(m, n, leaf, path, root)).toBe(true);

          // One flipped byte anywhere: in a path element, the leaf or the root.
          if (path.length > 0) {
            const i = seedByte % path.length;
            const bad = path.map((p, j) => (j === i ? flipByte(p, seedByte) : p));
            expect(verifyInclusion(m, n, leaf, bad, root)).toBe(false);
          }
          expect(verifyInclusion(m, n, flipByte(leaf, seedByte), path, root)).toBe(false);
          expect(verifyInclusion(m, n, leaf, path, flipByte(root, seedByte))).toBe(false);

          // A path element dropped or appended, or the path reversed.
          if (path.length > 0) {
            expect(verifyInclusion(m, n, leaf, path.slice(1), root)).toBe(false);
            expect(verifyInclusion(m, n, leaf, path.slice(0, -1), root)).toBe(false);
          }
          expect(verifyInclusion(m, n, leaf, [...path, root], root)).toBe(false);
          expect(verifyInclusion(m, n, leaf, [...path, leaf], root)).toBe(false);
          if (path.length > 1) expect(verifyInclusion(m, n, leaf, [...path].reverse(), root)).toBe(false);

          // Every other index in the same tree (distinct leaves: the path fits no other position).
          for (let other = 0; other < n; other++) {
            if (other !== m) expect(verifyInclusion(other, n, leaf, path, root)).toBe(false);
          }
          expect(verifyInclusion(-1, n, leaf, path, root)).toBe(false);
          expect(verifyInclusion(n, n, leaf, path, root)).toBe(false);

          // Another size: RFC 9162 verification binds the size only through the path's shape, so several sizes
          // can share one shape (e.g. leaf 0 of 3 and of 4 leaves). It must agree with the reference, and must
          // reject whenever the PATH for that size has another length or the index falls outside the tree.
          if (otherSize !== n) {
            const accepted = verifyInclusion(m, otherSize, leaf, path, root);
            expect(accepted).toBe(refVerifyInclusion(m, otherSize, leaf, path, root));
            if (m >= otherSize || inclusionRanges(m, otherSize).length !== path.length) expect(accepted).toBe(false);
          }

          // A wrong leaf from the same tree.
          if (n > 1) expect(verifyInclusion(m, n, leaves[(m + 1) % n]!, path, root)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the RFC verifier and the reference verifier agree on arbitrary (index, size) pairs', () => {
    const leaves = distinctLeaves(32, 'agree');
    const disagreements: string[] = [];
    let accepted = 0;
    for (let n = 1; n <= 32; n++) {
      const ref = new ReferenceTree(leaves.slice(0, n));
      const root = ref.mth();
      for (let m = 0; m < n; m++) {
        const path = ref.path(m);
        for (let size = 1; size <= 40; size++) {
          for (const index of [m, m - 1, m + 1]) {
            const actual = verifyInclusion(index, size, leaves[m]!, path, root);
            if (actual !== refVerifyInclusion(index, size, leaves[m]!, path, root)) {
              disagreements.push(`leaf ${index} of ${size} with the path of ${m} of ${n}: ${actual}`);
            }
            if (actual) accepted += 1;
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Each genuine (m, n) is accepted, plus some other sizes sharing the same path shape.
    expect(accepted).toBeGreaterThan((32 * 33) / 2);
  });

  it('edge cases: one leaf, last leaf, powers of two, out of range', () => {
    const [a] = distinctLeaves(1) as [Buffer];
    expect(inclusionRanges(0, 1)).toEqual([]);
    expect(verifyInclusion(0, 1, a, [], a)).toBe(true);
    expect(verifyInclusion(0, 1, a, [a], refNode(a, a))).toBe(false);
    expect(verifyInclusion(0, 0, a, [], a)).toBe(false);
    expect(() => inclusionRanges(1, 1)).toThrow(RangeError);
    expect(() => inclusionRanges(-1, 4)).toThrow(RangeError);
    expect(() => inclusionRanges(0, 0)).toThrow(RangeError);

    // Deepest sibling first: leaf 0 of 8 has siblings [1,2), [2,4), [4,8).
    expect(inclusionRanges(0, 8)).toEqual([
      [1, 2],
      [2, 4],
      [4, 8],
    ]);
    // Last leaf of 7: its only siblings are [4,6) and [0,4).
    expect(inclusionRanges(6, 7)).toEqual([
      [4, 6],
      [0, 4],
    ]);

    for (let p = 0; p <= 8; p++) {
      const n = 2 ** p;
      const leaves = distinctLeaves(n, `pow-${p}`);
      const ref = new ReferenceTree(leaves);
      for (const m of [0, n >> 1, n - 1]) {
        expect(inclusionRanges(m, n)).toHaveLength(p);
        expect(verifyInclusion(m, n, leaves[m]!, ref.path(m), ref.mth())).toBe(true);
      }
    }
  });
});

describe('consistency proofs', () => {
  it('consistencyRanges folded are exactly the reference PROOF and verify, for all 1 <= m <= n <= 48', () => {
    const leaves = distinctLeaves(48, 'cons');
    for (let n = 1; n <= 48; n++) {
      const ref = new ReferenceTree(leaves.slice(0, n));
      const { nodes } = buildStore(leaves.slice(0, n));
      const newRoot = ref.mth();
      for (let m = 1; m <= n; m++) {
        const oldRoot = ref.mth(0, m);
        const proof = consistencyRanges(m, n).map((range) => rangeRoot(nodes, range));
        expect(hex(proof), `PROOF(${m}, ${n})`).toEqual(hex(ref.proof(m)));
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `verify(${m}, ${n})`).toBe(true);
        expect(refVerifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
      }
    }
  });

  it('agrees with the reference PROOF for random trees up to 300 leaves (property)', () => {
    fc.assert(
      fc.property(fc.array(leafData, { minLength: 1, maxLength: 300 }), fc.nat(), (data, seed) => {
        const leaves = data.map(refLeaf);
        const n = leaves.length;
        const m = 1 + (seed % n);
        const ref = new ReferenceTree(leaves);
        const proof = consistencyRanges(m, n).map((range) => rangeRoot(buildStore(leaves).nodes, range));
        expect(hex(proof)).toEqual(hex(ref.proof(m)));
        expect(verifyConsistency(m, n, ref.mth(0, m), ref.mth(), proof)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects mutated proofs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        (n, seedM, seedByte, otherSize) => {
          const leaves = distinctLeaves(n, `cmut-${n}`);
          const ref = new ReferenceTree(leaves);
          const m = 1 + (seedM % (n - 1)); // 1 <= m < n
          const oldRoot = ref.mth(0, m);
          const newRoot = ref.mth();
          const proof = ref.proof(m);
          expect(proof.length).toBeGreaterThan(0);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);

          // One flipped byte in a proof element or either root.
          const i = seedByte % proof.length;
          const flipped = proof.map((p, j) => (j === i ? flipByte(p, seedByte) : p));
          expect(verifyConsistency(m, n, oldRoot, newRoot, flipped)).toBe(false);
          expect(verifyConsistency(m, n, flipByte(oldRoot, seedByte), newRoot, proof)).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, flipByte(newRoot, seedByte), proof)).toBe(false);

          // An element dropped or appended, or the proof empty.
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1))).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot])).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, proof[0]!])).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, [])).toBe(false);

          // Swapped roots, or a root of another size.
          expect(verifyConsistency(m, n, newRoot, oldRoot, proof)).toBe(false);
          expect(verifyConsistency(m, n, ref.mth(0, m === 1 ? 2 : m - 1), newRoot, proof)).toBe(false);

          // Another old or new size: as with inclusion, only the proof's shape binds the sizes, so the result must
          // equal the reference verifier's; sizes out of order are always refused.
          if (otherSize !== m) {
            const accepted = verifyConsistency(otherSize, n, oldRoot, newRoot, proof);
            expect(accepted).toBe(refVerifyConsistency(otherSize, n, oldRoot, newRoot, proof));
            if (otherSize > n) expect(accepted).toBe(false);
          }
          if (otherSize !== n) {
            const accepted = verifyConsistency(m, otherSize, oldRoot, newRoot, proof);
            expect(accepted).toBe(refVerifyConsistency(m, otherSize, oldRoot, newRoot, proof));
            if (otherSize < m) expect(accepted).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a wrong old or new size is refused whenever its proof has another shape', () => {
    const leaves = distinctLeaves(32, 'cshape');
    const wrong: string[] = [];
    let checked = 0;
    for (let n = 2; n <= 32; n++) {
      const ref = new ReferenceTree(leaves.slice(0, n));
      for (let m = 1; m < n; m++) {
        const proof = ref.proof(m);
        for (let m2 = 1; m2 <= 32; m2++) {
          for (const n2 of [n - 1, n, n + 1, 2 * n]) {
            if ((m2 === m && n2 === n) || m2 > n2) continue;
            const accepted = verifyConsistency(m2, n2, ref.mth(0, m), ref.mth(), proof);
            const reference = refVerifyConsistency(m2, n2, ref.mth(0, m), ref.mth(), proof);
            const otherShape = consistencyRanges(m2, n2).length !== proof.length;
            if (otherShape) checked += 1;
            if (accepted !== reference || (otherShape && accepted)) {
              wrong.push(`${m2}->${n2} with the proof for ${m}->${n}: ${accepted}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('edge cases: m = n, m = 0, n = 1, powers of two', () => {
    const leaves = distinctLeaves(256, 'cedge');
    const ref = new ReferenceTree(leaves);
    const r5 = ref.mth(0, 5);

    // m = n: the proof is empty and the roots must be equal.
    expect(consistencyRanges(5, 5)).toEqual([]);
    expect(consistencyRanges(1, 1)).toEqual([]);
    expect(verifyConsistency(5, 5, r5, r5, [])).toBe(true);
    expect(verifyConsistency(1, 1, leaves[0]!, leaves[0]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, r5, ref.mth(0, 6), [])).toBe(false);
    expect(verifyConsistency(5, 5, r5, r5, [r5])).toBe(false);

    // m = 0 (and other impossible sizes) is not a proof this log gives.
    expect(() => consistencyRanges(0, 5)).toThrow(RangeError);
    expect(() => consistencyRanges(6, 5)).toThrow(RangeError);
    expect(() => consistencyRanges(-1, 5)).toThrow(RangeError);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r5, [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r5, [r5])).toBe(false);
    expect(verifyConsistency(6, 5, r5, r5, [])).toBe(false);
    expect(verifyConsistency(0, 1, leaves[0]!, leaves[0]!, [leaves[0]!])).toBe(false);
    expect(verifyConsistency(-1, 1, leaves[0]!, leaves[0]!, [leaves[0]!])).toBe(false);

    // Powers of two: a 2^a tree is the left subtree of a 2^b tree, so the proof is its right siblings.
    for (let b = 1; b <= 8; b++) {
      for (let a = 0; a < b; a++) {
        const m = 2 ** a;
        const n = 2 ** b;
        const ranges = consistencyRanges(m, n);
        expect(ranges).toEqual(Array.from({ length: b - a }, (_, i) => [m * 2 ** i, m * 2 ** (i + 1)]));
        const proof = new ReferenceTree(leaves.slice(0, n)).proof(m);
        expect(verifyConsistency(m, n, ref.mth(0, m), ref.mth(0, n), proof)).toBe(true);
      }
    }

    // m not a power of two: the proof starts with the old tree's own last subtree.
    expect(consistencyRanges(3, 4)).toEqual([
      [2, 3],
      [3, 4],
      [0, 2],
    ]);
    expect(consistencyRanges(6, 8)).toEqual([
      [4, 6],
      [6, 8],
      [0, 4],
    ]);
  });
});
