import type { RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { runStack } from './run-stack.js';
import type { StackWeights } from './weights.js';

/** Inputs in the user's layout: `[T, B, I]`, `[B, T, I]` (batchFirst) or unbatched `[T, I]`. */
export interface RnnInputs {
  readonly x: tf.Tensor;
  /** `[L*D, B, Hout]` (`[L*D, Hout]` unbatched), or null for zeros. */
  readonly h0: tf.Tensor | null;
  /** `[L*D, B, H]` (`[L*D, H]` unbatched), LSTM only, or null for zeros. */
  readonly c0: tf.Tensor | null;
  readonly lengths: ArrayLike<number> | null;
  readonly dropout: { readonly rate: number; readonly seed: number } | null;
}

/** Outputs in the user's layout (the same as PyTorch's for the same input). */
export interface RnnOutputs {
  readonly output: tf.Tensor;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
}

/**
 * Runs the stack on inputs in the user's layout: moves batch-first or unbatched data to time-major,
 * runs {@link runStack}, and moves the results back. Pure tfjs ops (differentiable); call inside
 * tf.tidy or a gradient function.
 */
export function runInUserLayout(spec: RnnSpec, weights: StackWeights, inputs: RnnInputs): RnnOutputs {
  const isUnbatched = inputs.x.rank === 2;
  const toStates = (t: tf.Tensor | null): tf.Tensor | null =>
    t === null ? null : isUnbatched ? tf.expandDims<tf.Tensor>(t, 1) : (t);
  let x: tf.Tensor;
  if (isUnbatched) x = tf.expandDims<tf.Tensor>(inputs.x, 1);
  else x = spec.batchFirst ? tf.transpose(inputs.x, [1, 0, 2]) : (inputs.x);
  const out = runStack(spec, weights, {
    x,
    h0: toStates(inputs.h0),
    c0: toStates(inputs.c0),
    lengths: inputs.lengths,
    dropout: inputs.dropout,
  });
  const fromStates = (t: tf.Tensor): tf.Tensor => (isUnbatched ? tf.squeeze(t, [1]) : t);
  let output: tf.Tensor = out.output;
  if (isUnbatched) output = tf.squeeze(out.output, [1]);
  else if (spec.batchFirst) output = tf.transpose(out.output, [1, 0, 2]);
  return { output, h: fromStates(out.h), c: out.c === null ? null : fromStates(out.c) };
}
