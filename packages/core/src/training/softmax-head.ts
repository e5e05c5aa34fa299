import { type FloatArray, matmulAccumulate, transpose } from '../reference/matmul.js';
import { softmaxCrossEntropyRow } from '../reference/softmax-cross-entropy.js';

/** What the head and loss give back for one minibatch. */
export interface HeadGradients {
  /** Mean cross-entropy over the N rows. */
  readonly loss: number;
  /** dL/dY [N, F], in the dtype of Y. */
  readonly dY: FloatArray;
  /** dL/dW [V, F], in the dtype of W. */
  readonly dW: FloatArray;
  /** dL/db [V], in the dtype of W. */
  readonly db: FloatArray;
}

/**
 * A linear head and mean softmax cross-entropy, forward and backward on the host:
 * logits = Y W^T + b; loss = mean over rows of -log softmax(logits)[target];
 * dlogits = (softmax - onehot(target)) / N; dW = dlogits^T Y; db = column sums; dY = dlogits W.
 * Logits and their gradient are float64 whatever the inputs' dtype.
 *
 * @param Y - rows [N, F]. @param W - [V, F]. @param b - [V]. @param targets - one class per row [N].
 */
export function softmaxHeadGradients(Y: FloatArray, W: FloatArray, b: FloatArray, targets: Int32Array): HeadGradients {
  const V = b.length;
  const N = targets.length;
  const F = V > 0 ? W.length / V : 0;
  const logits = new Float64Array(N * V);
  for (let n = 0; n < N; n++) logits.set(b, n * V);
  matmulAccumulate(Y, 0, transpose(W, V, F), 0, logits, 0, N, F, V);
  const db = new Float64Array(V);
  let total = 0;
  for (let n = 0; n < N; n++) {
    // logits become dlogits in place.
    total += softmaxCrossEntropyRow(logits, n * V, V, targets[n]!, N);
    for (let v = 0; v < V; v++) db[v] = db[v]! + logits[n * V + v]!;
  }
  const dW = new Float64Array(V * F);
  matmulAccumulate(transpose(logits, N, V), 0, Y, 0, dW, 0, V, N, F);
  const dY = Y instanceof Float32Array ? new Float32Array(N * F) : new Float64Array(N * F);
  matmulAccumulate(logits, 0, W, 0, dY, 0, N, V, F);
  const isF32 = W instanceof Float32Array;
  return { loss: total / N, dY, dW: isF32 ? Float32Array.from(dW) : dW, db: isF32 ? Float32Array.from(db) : db };
}
