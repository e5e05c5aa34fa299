import type { Tensor } from '@deeprnn/core';

/** What the head and loss give back for one minibatch. */
export interface HeadResult {
  /** Mean cross-entropy over the N rows. */
  readonly loss: number;
  /** dL/dY [N, F]. */
  readonly dY: Float32Array;
  /** dL/dW [V, F] and dL/db [V]. */
  readonly dW: Float32Array;
  readonly db: Float32Array;
}

/** logits[n] = W · Y[n] + b for one row, into `out` [V]. */
export function rowLogits(Y: ArrayLike<number>, yOff: number, W: Float32Array, b: Float32Array, F: number, out: Float64Array): void {
  const V = b.length;
  for (let v = 0; v < V; v++) {
    let s = b[v]!;
    const w = v * F;
    for (let f = 0; f < F; f++) s += Y[yOff + f]! * W[w + f]!;
    out[v] = s;
  }
}

/**
 * The linear head and softmax cross-entropy of a minibatch, forward and backward in plain TypeScript:
 * logits = Y W^T + b; loss = mean over rows of -log softmax(logits)[target];
 * dlogits = (softmax - onehot(target)) / N; dW = dlogits^T Y; db = column sums; dY = dlogits W.
 *
 * @param Y - RNN output rows [N, F] (time-major rows, matching `targets`).
 * @param targets - the next token of every row [N].
 */
export function headForwardBackward(Y: Tensor, W: Tensor<'float32'>, b: Tensor<'float32'>, targets: Int32Array): HeadResult {
  const V = b.data.length;
  const F = W.shape[1]!;
  const N = targets.length;
  const y = Y.data;
  const dY = new Float32Array(N * F);
  const dW = new Float64Array(V * F);
  const db = new Float64Array(V);
  const logits = new Float64Array(V);
  const dl = new Float64Array(V);
  let total = 0;
  for (let n = 0; n < N; n++) {
    rowLogits(y, n * F, W.data, b.data, F, logits);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[v]!);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[v]! - max);
    const target = targets[n]!;
    total += Math.log(sum) + max - logits[target]!;
    for (let v = 0; v < V; v++) dl[v] = (Math.exp(logits[v]! - max) / sum - (v === target ? 1 : 0)) / N;
    for (let v = 0; v < V; v++) {
      const g = dl[v]!;
      db[v] = db[v]! + g;
      const w = v * F;
      for (let f = 0; f < F; f++) {
        dW[w + f] = dW[w + f]! + g * y[n * F + f]!;
        dY[n * F + f] = dY[n * F + f]! + g * W.data[w + f]!;
      }
    }
  }
  return { loss: total / N, dY, dW: Float32Array.from(dW), db: Float32Array.from(db) };
}
