import { describe, expect, it } from 'vitest';
import { epochBatches, epochRandom, randomBatches, sequentialBatches } from '../src/index.js';

const ids = Int32Array.from({ length: 500 }, (_, i) => i);

describe('minibatch partitions', () => {
  it('sequential: Y is X shifted by one, and each row continues across minibatches', () => {
    const batches = sequentialBatches(ids, 4, 5, epochRandom(1, 0));
    expect(batches.length).toBeGreaterThan(2);
    for (const [i, mb] of batches.entries()) {
      for (let b = 0; b < 4; b++) {
        for (let t = 0; t < 5; t++) expect(mb.Y[b * 5 + t]).toBe(mb.X[b * 5 + t]! + 1);
        const next = batches[i + 1];
        if (next) expect(next.X[b * 5]).toBe(mb.X[b * 5 + 4]! + 1);
      }
    }
  });

  it('random: rows are contiguous, distinct subsequences', () => {
    const batches = randomBatches(ids, 4, 5, epochRandom(1, 0));
    const starts = new Set<number>();
    for (const mb of batches) {
      for (let b = 0; b < 4; b++) {
        starts.add(mb.X[b * 5]!);
        for (let t = 1; t < 5; t++) expect(mb.X[b * 5 + t]).toBe(mb.X[b * 5]! + t);
      }
    }
    expect(starts.size).toBe(batches.length * 4);
  });

  it('is a pure function of (seed, epoch)', () => {
    expect(epochBatches('random', ids, 4, 5, 3, 2)).toEqual(epochBatches('random', ids, 4, 5, 3, 2));
    expect(epochBatches('random', ids, 4, 5, 3, 2)).not.toEqual(epochBatches('random', ids, 4, 5, 3, 1));
  });
});
