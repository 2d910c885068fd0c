import { describe, expect, it } from 'vitest';
import { chunkSizes } from './values-insert.js';

describe('chunkSizes', () => {
  it('cuts any row count into 2048s and powers of two that add up to it', () => {
    expect(chunkSizes(0)).toEqual([]);
    expect(chunkSizes(1)).toEqual([1]);
    expect(chunkSizes(5000)).toEqual([2048, 2048, 512, 256, 128, 8]);
    const sizes = new Set<number>();
    for (let n = 0; n <= 10_000; n++) {
      const chunks = chunkSizes(n);
      expect(chunks.reduce((a, b) => a + b, 0)).toBe(n);
      chunks.forEach((c) => sizes.add(c));
    }
    expect(sizes.size).toBe(12); // 1, 2, 4, ..., 2048: the statement texts ever built
  });
});
