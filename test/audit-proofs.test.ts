import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../src/kernel/errors.js';
import { parseCheckpoint } from '../src/modules/audit/checkpoint.js';
import { nodeHash, verifyConsistency, verifyInclusion } from '../src/modules/audit/merkle.js';
import { consistencyProof, inclusionProof } from '../src/modules/audit/proofs.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { appendNotes } from './support/records.js';

/** RFC 9162 Merkle tree hash of leaf hashes, by its recursive definition (independent of the stored nodes). */
function root(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(root(leaves.slice(0, k)), root(leaves.slice(k)));
}

// Proofs read the latest checkpoint, the head and the nodes in one query, guessing the tree from the checkpoint
// last seen; these check every answer against the records themselves, whether that guess holds or not.
describe(`audit inclusion and consistency proofs (${testDialect})`, () => {
  let t: TestBastion;

  beforeAll(async () => {
    t = await createTestBastion({ BASTION_AUDIT_CHECKPOINT_EVERY: '16' });
  });
  afterAll(() => t.destroy());

  async function leaves(): Promise<Buffer[]> {
    const rows = await t.bastion.storage.db.selectFrom('audit_records').select('hash').orderBy('seq').execute();
    return rows.map((row) => row.hash);
  }

  async function expectValidInclusion(seq: number, treeSize?: number) {
    const all = await leaves();
    const proof = await inclusionProof(t.bastion.storage, seq, treeSize);
    const expected = root(all.slice(0, proof.treeSize));
    expect(proof.leafHash).toBe(all[seq - 1]!.toString('hex'));
    expect(proof.rootHash).toBe(expected.toString('hex'));
    const path = proof.path.map((hex) => Buffer.from(hex, 'hex'));
    expect(verifyInclusion(seq - 1, proof.treeSize, all[seq - 1]!, path, expected)).toBe(true);
    return proof;
  }

  it('proves every record against the latest checkpoint, and records newer than it against the head', async () => {
    await appendNotes(t.bastion, 40); // with init's record: 41 records, checkpoints at 1, 16 and 32
    for (let round = 0; round < 2; round++) {
      for (let seq = 1; seq <= 41; seq++) {
        const proof = await expectValidInclusion(seq);
        if (seq <= 32) {
          expect(proof.treeSize).toBe(32);
          expect(parseCheckpoint(proof.checkpoint!.body)?.treeSize).toBe(32);
        } else {
          expect(proof.treeSize).toBe(41);
          expect(proof.checkpoint).toBeNull();
        }
      }
    }
  });

  it('leads to a checkpoint signed after the last proof, not to the one the proofs saw before', async () => {
    expect((await expectValidInclusion(5)).treeSize).toBe(32);
    await appendNotes(t.bastion, 10); // 51 records: a checkpoint at 48
    for (const seq of [5, 32, 48]) {
      const proof = await expectValidInclusion(seq);
      expect(proof.treeSize).toBe(48);
      expect(parseCheckpoint(proof.checkpoint!.body)?.treeSize).toBe(48);
    }
    expect((await expectValidInclusion(50)).treeSize).toBe(51);
  });

  it('proves against any tree size asked for, naming the latest checkpoint only when asked for its size', async () => {
    for (const [seq, size] of [
      [1, 1],
      [7, 16],
      [17, 17],
      [3, 33],
      [51, 51],
      [20, 48],
    ] as const) {
      const proof = await expectValidInclusion(seq, size);
      expect(proof.treeSize).toBe(size);
      expect(proof.checkpoint !== null).toBe(size === 48);
    }
  });

  it('refuses a record outside the tree (not found) and a tree larger than the log (invalid)', async () => {
    await expect(inclusionProof(t.bastion.storage, 0)).rejects.toThrow(NotFoundError);
    await expect(inclusionProof(t.bastion.storage, 52)).rejects.toThrow(NotFoundError);
    await expect(inclusionProof(t.bastion.storage, 20, 10)).rejects.toThrow(NotFoundError);
    await expect(inclusionProof(t.bastion.storage, 20, 52)).rejects.toThrow(ValidationError);
    await expect(inclusionProof(t.bastion.storage, 20, 2 ** 50)).rejects.toThrow(ValidationError);
  });

  it('proves consistency between any two sizes of the log, and refuses sizes it cannot prove', async () => {
    const all = await leaves();
    for (const [from, to] of [
      [1, 51],
      [16, 32],
      [7, 7],
      [13, 48],
      [33, 50],
    ] as const) {
      const proof = await consistencyProof(t.bastion.storage, from, to);
      const oldRoot = root(all.slice(0, from));
      const newRoot = root(all.slice(0, to));
      expect([proof.fromRoot, proof.toRoot]).toEqual([oldRoot.toString('hex'), newRoot.toString('hex')]);
      const path = proof.path.map((hex) => Buffer.from(hex, 'hex'));
      expect(verifyConsistency(from, to, oldRoot, newRoot, path)).toBe(true);
    }
    for (const [from, to] of [
      [0, 5],
      [9, 8],
      [5, 52],
      [5, 2 ** 50],
    ] as const) {
      await expect(consistencyProof(t.bastion.storage, from, to)).rejects.toThrow(
        `A consistency proof needs 1 <= from <= to <= 51; got ${from} and ${to}.`,
      );
    }
  });
});
