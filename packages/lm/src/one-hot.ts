import { type Tensor, tensor } from '@deeprnn/core';

/**
 * One-hot input [T, B, V] for token indices X [B, T], built by indexing (one store per token), never
 * as a product with a one-hot matrix. Time-major, as the RNN reads it (d2l's `one_hot(X.T)`).
 */
export function oneHotTimeMajor(X: Int32Array, batch: number, steps: number, vocabSize: number): Tensor {
  const data = new Float32Array(steps * batch * vocabSize);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) data[(t * batch + b) * vocabSize + X[b * steps + t]!] = 1;
  }
  return tensor(data, [steps, batch, vocabSize]);
}

/** Targets Y [B, T] reordered time-major [T*B], matching the rows of the RNN output. */
export function targetsTimeMajor(Y: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(steps * batch);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = Y[b * steps + t]!;
  return out;
}
