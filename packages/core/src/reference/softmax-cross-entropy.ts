import type { FloatArray } from './matmul.js';

/**
 * Softmax cross-entropy of one row of logits, computed stably (max subtracted): returns
 * -log softmax(row)[target] and overwrites the row with its gradient (softmax - onehot(target)) / divisor
 * (the divisor is the row count when the loss is a mean). Shared by every head that trains a language
 * model, so they agree to the last bit where their inputs do.
 */
export function softmaxCrossEntropyRow(
  logits: FloatArray,
  offset: number,
  width: number,
  target: number,
  divisor: number,
): number {
  let max = -Infinity;
  for (let v = 0; v < width; v++) max = Math.max(max, logits[offset + v]!);
  let sum = 0;
  for (let v = 0; v < width; v++) sum += Math.exp(logits[offset + v]! - max);
  const loss = Math.log(sum) + max - logits[offset + target]!;
  for (let v = 0; v < width; v++) {
    logits[offset + v] = (Math.exp(logits[offset + v]! - max) / sum - (v === target ? 1 : 0)) / divisor;
  }
  return loss;
}
