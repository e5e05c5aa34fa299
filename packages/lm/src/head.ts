import { type Tensor, matmulAccumulate, softmaxCrossEntropyRow, transpose } from '@deeprnn/core';

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
 * The three products run through core's blocked `matmulAccumulate`.
 *
 * @param Y - RNN output rows [N, F] (time-major rows, matching `targets`).
 * @param targets - the next token of every row [N].
 */
export function headForwardBackward(Y: Tensor, W: Tensor<'float32'>, b: Tensor<'float32'>, targets: Int32Array): HeadResult {
  const V = b.data.length;
  const F = W.shape[1]!;
  const N = targets.length;
  const logits = new Float64Array(N * V);
  for (let n = 0; n < N; n++) logits.set(b.data, n * V);
  matmulAccumulate(Y.data, 0, transpose(W.data, V, F), 0, logits, 0, N, F, V);
  const db = new Float64Array(V);
  let total = 0;
  for (let n = 0; n < N; n++) {
    // logits become dlogits in place.
    total += softmaxCrossEntropyRow(logits, n * V, V, targets[n]!, N);
    for (let v = 0; v < V; v++) db[v] = db[v]! + logits[n * V + v]!;
  }
  const dW = new Float64Array(V * F);
  matmulAccumulate(transpose(logits, N, V), 0, Y.data, 0, dW, 0, V, N, F);
  const dY = new Float32Array(N * F);
  matmulAccumulate(logits, 0, W.data, 0, dY, 0, N, V, F);
  return { loss: total / N, dY, dW: Float32Array.from(dW), db: Float32Array.from(db) };
}
