import { type Tensor, tensor } from '@deeprnn/core';
import type { KerasDense } from './types.js';

function activate(v: Float32Array, units: number, activation: KerasDense['activation']): void {
  if (activation === 'softmax') {
    for (let r = 0; r < v.length; r += units) {
      let max = -Infinity;
      for (let j = 0; j < units; j++) max = Math.max(max, v[r + j] as number);
      let sum = 0;
      for (let j = 0; j < units; j++) sum += v[r + j] = Math.exp((v[r + j] as number) - max);
      for (let j = 0; j < units; j++) v[r + j] = (v[r + j] as number) / sum;
    }
    return;
  }
  const f: (x: number) => number = {
    linear: (x: number) => x,
    relu: (x: number) => Math.max(0, x),
    sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh,
    softplus: (x: number) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
    softsign: (x: number) => x / (1 + Math.abs(x)),
    elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  }[activation];
  for (let i = 0; i < v.length; i++) v[i] = f(v[i] as number);
}

/** Applies a Dense layer to the last axis of `x` (every step of a sequence), in float64 sums. */
export function applyDense(x: Tensor, dense: KerasDense): Tensor {
  const F = x.shape[x.shape.length - 1] as number;
  const rows = x.data.length / F;
  const U = dense.units;
  const out = new Float32Array(rows * U);
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < U; u++) {
      let s = dense.bias === null ? 0 : (dense.bias.data[u] as number);
      for (let f = 0; f < F; f++) s += (x.data[r * F + f] as number) * (dense.kernel.data[f * U + u] as number);
      out[r * U + u] = s;
    }
  }
  activate(out, U, dense.activation);
  return tensor(out, [...x.shape.slice(0, -1), U]);
}
