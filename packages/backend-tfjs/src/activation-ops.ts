import type { Activation } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OpPolicy } from './op-policy.js';

/** An activation as a differentiable tfjs function. */
export type TensorFn = (x: tf.Tensor) => tf.Tensor;

/**
 * The tfjs form of an ONNX activation, with the alpha/beta that `defineSpec` filled in. Every branch
 * is written so that its gradient stays finite where the branch is not taken (no exp of large x).
 */
export function activationOp(a: Activation, policy: OpPolicy): TensorFn {
  const alpha = a.alpha ?? 0;
  const beta = a.beta ?? 0;
  switch (a.name) {
    case 'Relu':
      return (x) => tf.relu(x);
    case 'Tanh':
      return policy.isTanhViaSigmoid ? tanhViaSigmoid : (x) => tf.tanh(x);
    case 'Sigmoid':
      return (x) => tf.sigmoid(x);
    case 'Affine':
      return (x) => tf.add(tf.mul(x, alpha), beta);
    case 'LeakyRelu':
      return (x) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, alpha));
    case 'ThresholdedRelu':
      // x > alpha ? x : 0; step(x - alpha) is 1 exactly when x > alpha and, unlike Greater, has a tfjs gradient.
      return (x) => tf.mul(x, tf.step(tf.sub(x, alpha)));
    case 'ScaledTanh':
      return (x) => tf.mul((policy.isTanhViaSigmoid ? tanhViaSigmoid : tf.tanh)(tf.mul(x, beta)), alpha);
    case 'HardSigmoid':
      return (x) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);
    case 'Elu':
      return (x) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha));
    case 'Softsign':
      return (x) => tf.div(x, tf.add(tf.abs(x), 1));
    case 'Softplus':
      return (x) => tf.softplus(x);
  }
}

/** tanh(x) = 2 sigmoid(2x) - 1, for engines whose tanh kernel is slow. */
export function tanhViaSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Clamps gate pre-activations to [-clip, clip] (ONNX `clip`), or passes them through when clip is null. */
export function clipOp(clip: number | null): TensorFn {
  return clip === null ? (x) => x : (x) => tf.clipByValue(x, -clip, clip);
}
