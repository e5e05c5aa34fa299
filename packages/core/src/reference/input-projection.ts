import type { DType } from '../tensor.js';
import type { DirectionWeights } from './direction-weights.js';
import { type FloatArray, matmulAccumulate } from './matmul.js';

/**
 * When every row of x [rows, I] is one-hot (a single 1, zeros elsewhere), the index of the 1 in each
 * row; otherwise null. Character models feed exactly such rows.
 */
export function oneHotIndices(x: FloatArray, rows: number, I: number): Int32Array | null {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let at = -1;
    for (let i = 0; i < I; i++) {
      const v = x[r * I + i]!;
      if (v === 0) continue;
      if (v !== 1 || at >= 0) return null;
      at = i;
    }
    if (at < 0) return null;
    out[r] = at;
  }
  return out;
}

/**
 * The input projection of every step, bias + x · W_ih^T, as [rows, G*H]: one matrix product, or for
 * one-hot input a gather of W_ih^T rows. The gather gives the same bits as the product (adding exact
 * zeros and multiplying by one change nothing) at a fraction of the cost.
 */
export function inputProjection(w: DirectionWeights, x: FloatArray, rows: number, dtype: DType): FloatArray {
  const GH = w.gates * w.hiddenSize;
  const xproj = dtype === 'float64' ? new Float64Array(rows * GH) : new Float32Array(rows * GH);
  const hot = oneHotIndices(x, rows, w.inputSize);
  for (let r = 0; r < rows; r++) xproj.set(w.inputBias, r * GH);
  if (hot) {
    for (let r = 0; r < rows; r++) {
      const src = hot[r]! * GH;
      const dst = r * GH;
      for (let j = 0; j < GH; j++) xproj[dst + j] = xproj[dst + j]! + w.wihT[src + j]!;
    }
    return xproj;
  }
  matmulAccumulate(x, 0, w.wihT, 0, xproj, 0, rows, w.inputSize, GH);
  return xproj;
}
