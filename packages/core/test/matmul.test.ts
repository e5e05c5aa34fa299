import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matmulAccumulate, transpose } from '../src/reference/matmul.js';

describe('matmulAccumulate', () => {
  it('equals the naive triple loop for every block remainder, with offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(3),
        (M, K, N, off) => {
          const A = Float64Array.from({ length: off + M * K }, (_, i) => Math.sin(i + 1));
          const B = Float64Array.from({ length: off + K * N }, (_, i) => Math.cos(i * 0.7));
          const C = Float64Array.from({ length: off + M * N }, (_, i) => i * 0.01);
          const want = Float64Array.from(C);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = 0;
              for (let k = 0; k < K; k++) s += A[off + i * K + k]! * B[off + k * N + j]!;
              want[off + i * N + j] = want[off + i * N + j]! + s;
            }
          matmulAccumulate(A, off, B, off, C, off, M, K, N);
          for (let i = 0; i < C.length; i++) expect(C[i]).toBeCloseTo(want[i]!, 12);
        },
      ),
      { numRuns: 100, seed: 3 },
    );
  });

  it('transpose swaps rows and columns', () => {
    expect([...transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
