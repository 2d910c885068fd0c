import { describe, expect, it } from 'vitest';
import { foldSubtrees, leafHash, perfectRoot, perfectSubtrees } from '../audit/merkle.js';
import { batchRoot, canonicalRow, type ValueRow } from './batch-root.js';

/** The audit module's RFC 9162 functions, composed the plain way: the reference the fast root must equal. */
function referenceRoot(rows: ValueRow[]): Buffer {
  const leaves = rows.map((row) => leafHash(canonicalRow(row)));
  const subtrees = perfectSubtrees([0, leaves.length]).map(({ level, index }) =>
    perfectRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
  );
  return foldSubtrees(subtrees);
}

const row = (i: number): ValueRow => ({
  deviceId: `device-${i % 3}`,
  metric: i % 5 === 0 ? `Prüfstand ${i} ✓` : `m${i}`,
  ts: 1_700_000_000_000 + i,
  num: i % 4 === 0 ? null : i / 7,
  text: i % 4 === 0 ? `text ${i}` : null,
});

describe('batchRoot', () => {
  it('equals the RFC 9162 reference root for every size from 0 to 70, and for 1,000 rows', () => {
    for (const size of [...Array.from({ length: 71 }, (_, i) => i), 1000]) {
      const rows = Array.from({ length: size }, (_, i) => row(i));
      expect(batchRoot(rows).toString('hex'), `size ${size}`).toBe(referenceRoot(rows).toString('hex'));
    }
  });

  it('changes when any row changes', () => {
    const rows = Array.from({ length: 33 }, (_, i) => row(i));
    const root = batchRoot(rows).toString('hex');
    rows[32] = { ...rows[32]!, num: 0 };
    expect(batchRoot(rows).toString('hex')).not.toBe(root);
  });
});
