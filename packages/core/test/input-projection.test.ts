import { describe, expect, it } from 'vitest';
import { defineSpec, initParams } from '../src/index.js';
import { prepareDirection } from '../src/reference/direction-weights.js';
import { inputProjection, oneHotIndices } from '../src/reference/input-projection.js';
import { matmulAccumulate } from '../src/reference/matmul.js';

describe('input projection', () => {
  it('detects one-hot rows only when every row has a single exact 1', () => {
    expect(oneHotIndices(Float32Array.from([0, 1, 0, 1, 0, 0]), 2, 3)).toEqual(Int32Array.from([1, 0]));
    expect(oneHotIndices(Float32Array.from([0, 1, 0, 0, 0, 0]), 2, 3)).toBeNull(); // an all-zero row
    expect(oneHotIndices(Float32Array.from([0, 1, 1, 1, 0, 0]), 2, 3)).toBeNull(); // two ones
    expect(oneHotIndices(Float32Array.from([0, 0.5, 0, 1, 0, 0]), 2, 3)).toBeNull(); // not a one
  });

  it.each(['float32', 'float64'] as const)(
    'gathers one-hot rows with the same bits as the matrix product (%s)',
    (dtype) => {
      const spec = defineSpec({ mode: 'lstm', inputSize: 28, hiddenSize: 16 });
      const w = prepareDirection(spec, initParams(spec, { seed: 3, dtype }), 0, false, dtype);
      const rows = 50;
      const x = dtype === 'float64' ? new Float64Array(rows * 28) : new Float32Array(rows * 28);
      for (let r = 0; r < rows; r++) x[r * 28 + ((r * 7) % 28)] = 1;
      const GH = 4 * 16;
      const want = dtype === 'float64' ? new Float64Array(rows * GH) : new Float32Array(rows * GH);
      for (let r = 0; r < rows; r++) want.set(w.inputBias, r * GH);
      matmulAccumulate(x, 0, w.wihT, 0, want, 0, rows, 28, GH);
      expect(inputProjection(w, x, rows, dtype)).toEqual(want);
    },
  );
});
