import type { RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { unstackAt } from './list-access.js';
import type { OpPolicy } from './op-policy.js';
import { runStack } from './run-stack.js';
import type { StackWeights } from './weights.js';

/** Inputs in the user's layout: `[T, B, I]`, `[B, T, I]` (batchFirst) or unbatched `[T, I]`. */
export interface RnnInputs {
  /** The input as one tensor (split into steps here), or the steps already split (see `xSteps`). */
  readonly x: tf.Tensor | { readonly xSteps: readonly tf.Tensor[]; readonly isUnbatched: boolean };
  /** `[L*D, B, Hout]` (`[L*D, Hout]` unbatched), or null for zeros. */
  readonly h0: tf.Tensor | null;
  /** `[L*D, B, H]` (`[L*D, H]` unbatched), LSTM only, or null for zeros. */
  readonly c0: tf.Tensor | null;
  readonly lengths: ArrayLike<number> | null;
  readonly dropout: { readonly rate: number; readonly seed: number } | null;
  readonly policy: OpPolicy;
}

/** Outputs in the user's layout (the same as PyTorch's for the same input). */
export interface RnnOutputs {
  readonly output: tf.Tensor;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  /** Time-major in every layout: see `runStack`'s `outputSteps` (`[1, Hout]` parts unbatched). */
  readonly outputSteps: readonly (readonly tf.Tensor[])[];
}

/** Splits a user-layout input into time steps `[B, I]` (`[1, I]` unbatched). Differentiable. */
export function splitSteps(spec: RnnSpec, x: tf.Tensor): tf.Tensor[] {
  if (x.rank === 2) return unstackAt(tf.expandDims(x, 1));
  return unstackAt(x, spec.batchFirst ? 1 : 0);
}

/**
 * Runs the stack on inputs in the user's layout: splits the input into time steps, runs
 * {@link runStack}, and moves the results back to batch-first or unbatched form. Pure tfjs ops
 * (differentiable); call inside tf.tidy or a gradient function.
 */
export function runInUserLayout(spec: RnnSpec, weights: StackWeights, inputs: RnnInputs): RnnOutputs {
  const given = inputs.x;
  const isUnbatched = given instanceof tf.Tensor ? given.rank === 2 : given.isUnbatched;
  const xSteps = given instanceof tf.Tensor ? splitSteps(spec, given) : given.xSteps;
  const toStates = (t: tf.Tensor | null): tf.Tensor | null =>
    t === null ? null : isUnbatched ? tf.expandDims(t, 1) : t;
  const out = runStack(spec, weights, {
    xSteps,
    h0: toStates(inputs.h0),
    c0: toStates(inputs.c0),
    lengths: inputs.lengths,
    dropout: inputs.dropout,
    policy: inputs.policy,
  });
  const fromStates = (t: tf.Tensor): tf.Tensor => (isUnbatched ? tf.squeeze(t, [1]) : t);
  let output = out.output;
  if (isUnbatched) output = tf.squeeze(out.output, [1]);
  else if (spec.batchFirst) output = tf.transpose(out.output, [1, 0, 2]);
  return { output, h: fromStates(out.h), c: out.c === null ? null : fromStates(out.c), outputSteps: out.outputSteps };
}
