import { describe, expect, it } from 'vitest';
import { batchRoot, type ValueRow } from './batch-root.js';
import { batchRootOffThread, rootInWorker } from './root-worker.js';

const row = (i: number): ValueRow => ({
  deviceId: `device-${i % 3}`,
  metric: i % 5 === 0 ? `Prüfstand\n${i} ✓` : `m${i}`,
  ts: 1_700_000_000_000 + i,
  num: i % 4 === 0 ? null : i / 7,
  text: i % 4 === 0 ? `line\nbreak ${i}` : null,
});

describe('batchRootOffThread', () => {
  it('equals batchRoot, newlines in the data included, for sizes on both sides of the worker threshold', async () => {
    for (const size of [0, 1, 255, 256, 257, 1000, 4097]) {
      const rows = Array.from({ length: size }, (_, i) => row(i));
      expect((await batchRootOffThread(rows)).toString('hex'), `size ${size}`).toBe(batchRoot(rows).toString('hex'));
    }
  });

  it('computes on the worker itself the same root (no fallback involved)', async () => {
    for (const size of [0, 1, 2, 3, 1000]) {
      const rows = Array.from({ length: size }, (_, i) => row(i));
      expect((await rootInWorker(rows)).toString('hex')).toBe(batchRoot(rows).toString('hex'));
    }
  });

  it('answers concurrent requests each with its own root', async () => {
    const batches = [300, 500, 700].map((n) => Array.from({ length: n }, (_, i) => row(i + n)));
    const roots = await Promise.all(batches.map(batchRootOffThread));
    expect(roots.map((r) => r.toString('hex'))).toEqual(batches.map((b) => batchRoot(b).toString('hex')));
  });
});
