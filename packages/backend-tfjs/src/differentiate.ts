import type { RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { at } from './list-access.js';
import type { OpPolicy } from './op-policy.js';
import { type StackWeights, type TfParams, disposeTransposes, prepareWeights, transposeWeights } from './weights.js';

/** A loss and its gradients: the parameters' in the order of `Object.keys(params)`, then the others'. */
export interface Differentiated {
  readonly value: tf.Scalar;
  readonly grads: tf.Tensor[];
}

/**
 * The one place tfjs training differentiates: builds the stack's weights from `params` (variables of a
 * trainer, or a model's uploaded parameters), runs `loss` on them and takes the gradient of its value
 * with respect to every parameter and every tensor of `others` (the input and initial state for
 * `gradients`, the head for a trainer). Call inside `backend.run`; tensors `loss` makes are freed
 * except those it `tf.keep`s.
 */
export function differentiateStack(
  spec: RnnSpec,
  policy: OpPolicy,
  params: TfParams,
  others: readonly tf.Tensor[],
  loss: (weights: StackWeights, others: readonly tf.Tensor[]) => tf.Scalar,
): Differentiated {
  const names = Object.keys(params);
  // Built outside the taped function, so they are still there when the gradient runs.
  const transposes = transposeWeights(spec, params, policy);
  try {
    const f = (...xs: tf.Tensor[]): tf.Scalar => {
      const p: Record<string, tf.Tensor> = {};
      names.forEach((n, i) => (p[n] = at(xs, i)));
      return loss(prepareWeights(spec, p, policy, transposes), xs.slice(names.length));
    };
    return tf.valueAndGrads(f)([...names.map((n) => params[n] as tf.Tensor), ...others]);
  } finally {
    disposeTransposes(transposes);
  }
}

/** Upstream gradients on the engine (null where absent). */
export interface UpstreamGrads {
  readonly output: tf.Tensor | null;
  readonly h: tf.Tensor | null;
  readonly c: tf.Tensor | null;
}

/** The loss whose gradient is the upstream one: sum(output ⊙ gOut) + sum(hN ⊙ gH) + sum(cN ⊙ gC). */
export function linkedLoss(
  out: { readonly output: tf.Tensor; readonly h: tf.Tensor; readonly c: tf.Tensor | null },
  g: UpstreamGrads,
): tf.Scalar {
  let loss: tf.Scalar = tf.scalar(0);
  if (g.output) loss = tf.add(loss, tf.sum(tf.mul(out.output, g.output)));
  if (g.h) loss = tf.add(loss, tf.sum(tf.mul(out.h, g.h)));
  if (g.c && out.c) loss = tf.add(loss, tf.sum(tf.mul(out.c, g.c)));
  return loss;
}
