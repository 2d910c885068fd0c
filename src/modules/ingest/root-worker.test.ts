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

  it('equals batchRoot for -0, exponents, non-finite numbers, escaped texts, a row with both num and text, and interleaved devices', async () => {
    const base = { deviceId: 'd"\\1', metric: 'tab\there "quoted" \u2028', ts: 0, num: null, text: null };
    const rows: ValueRow[] = [
      { ...base, num: -0 },
      { ...base, ts: -1, num: 1e21 },
      { ...base, ts: 2 ** 53 - 1, num: 5e-324 },
      { ...base, num: -1.5e-7, text: 'both a number and a text' },
      { ...base, deviceId: 'other', text: '' },
      { ...base, metric: 'm2', num: 0.1 + 0.2 },
      { ...base, num: Infinity },
      { ...base, num: NaN },
      { ...base, text: 'control \u0001 and \u007f and emoji \u{1F600}' },
    ];
    // Devices interleaved, not in runs: each row must still get its own (device, metric) pair.
    const many = Array.from({ length: 600 }, (_, i) => ({ ...rows[i % rows.length]!, ts: i }));
    for (const batch of [rows, many])
      expect((await rootInWorker(batch)).toString('hex')).toBe(batchRoot(batch).toString('hex'));
  });

  it('answers concurrent requests each with its own root', async () => {
    const batches = [300, 500, 700].map((n) => Array.from({ length: n }, (_, i) => row(i + n)));
    const roots = await Promise.all(batches.map(batchRootOffThread));
    expect(roots.map((r) => r.toString('hex'))).toEqual(batches.map((b) => batchRoot(b).toString('hex')));
  });
});
