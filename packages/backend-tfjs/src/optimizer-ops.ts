import type { OptimizerOptions } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';

/** One trained tensor on the engine and, for Adam, its moments. */
export interface TrainedSlot {
  readonly name: string;
  readonly value: tf.Variable;
  readonly m: tf.Variable | null;
  readonly v: tf.Variable | null;
}

/**
 * Global-norm clipping and the optimizer update as engine ops, the same formulas as core's host
 * `clipGlobalNorm` and `updateParameter` (SGD; Adam with bias correction). Call inside tf.tidy.
 *
 * @param grads - one gradient per slot, in slot order.
 * @param step - the 1-based number of this update.
 * @returns the global norm before clipping, a scalar on the engine.
 */
export function clipAndUpdate(
  slots: readonly TrainedSlot[],
  grads: readonly tf.Tensor[],
  o: OptimizerOptions,
  gradClipNorm: number | null,
  step: number,
): tf.Scalar {
  // A left fold of two-input adds, not tf.addN: tfjs-webgpu's addN binds one storage buffer per input,
  // and more than the default 8 per shader stage makes Dawn reject the pipeline (a 3-layer LM has 14).
  const squares = grads.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.reduce((a, b) => tf.add(a, b), tf.scalar(0))) as tf.Scalar;
  // min(1, theta / norm) scales exactly when norm > theta (and is 1 for a zero norm).
  const scale = gradClipNorm === null ? null : tf.minimum(tf.scalar(1), tf.div(tf.scalar(gradClipNorm), norm));
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const c1 = 1 - b1 ** step;
  const c2 = 1 - b2 ** step;
  slots.forEach((slot, i) => {
    const g = scale ? tf.mul(grads[i] as tf.Tensor, scale) : (grads[i] as tf.Tensor);
    if (o.name === 'sgd' || slot.m === null || slot.v === null) {
      slot.value.assign(tf.sub(slot.value, tf.mul(g, o.lr)));
      return;
    }
    const m = tf.add(tf.mul(slot.m, b1), tf.mul(g, 1 - b1));
    const v = tf.add(tf.mul(slot.v, b2), tf.mul(tf.square(g), 1 - b2));
    slot.m.assign(m);
    slot.v.assign(v);
    slot.value.assign(tf.sub(slot.value, tf.div(tf.mul(tf.div(m, c1), o.lr), tf.add(tf.sqrt(tf.div(v, c2)), eps))));
  });
  return norm;
}
