import type { Activation, ActivationName } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OpPolicy } from './op-policy.js';

/** An activation as a differentiable tfjs function. */
export type TensorFn = (x: tf.Tensor) => tf.Tensor;

/** Builds one activation's op from its alpha, beta and the engine's policy. */
type OpBuilder = (alpha: number, beta: number, policy: OpPolicy) => TensorFn;

/**
 * Every activation's tfjs op, keyed by name (the compiler rejects a missing one). Each maps NaN to NaN
 * and infinities to PyTorch's limits on every engine: clamps are `minimum(maximum(..))`, because wasm's
 * clipByValue turns NaN into the lower bound, selections put NaN on the branch that returns x, and
 * exp-based ones keep NaN explicitly where the engine's exp does not ({@link OpPolicy.isExpNanSafe}).
 * Every branch is written so that its gradient stays finite where the branch is not taken (no exp of
 * large x).
 */
const OPS: { readonly [K in ActivationName]: OpBuilder } = {
  // Off wasm tf.relu keeps NaN; on wasm, x <= 0 ? 0 : x as for ThresholdedRelu.
  Relu: (_a, _b, policy) =>
    policy.isReluNanSafe ? (x) => tf.relu(x) : (x) => tf.where(tf.greaterEqual(0, x), tf.zerosLike(x), x),
  Tanh: (_a, _b, policy) => (policy.isTanhViaSigmoid ? tanhViaSigmoid : (x) => tf.tanh(x)),
  Sigmoid: (_a, _b, policy) => expBased((x) => tf.sigmoid(x), policy),
  Affine: (alpha, beta) => (x) => tf.add(tf.mul(x, alpha), beta),
  LeakyRelu: (alpha) => (x) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, alpha)),
  // x <= alpha ? 0 : x (PyTorch's threshold): NaN fails the test and passes; x * step(x - alpha) would
  // give -inf * 0 = NaN at -inf. Written alpha >= x: GreaterEqual has a tfjs gradient, LessEqual none.
  ThresholdedRelu: (alpha) => (x) => tf.where(tf.greaterEqual(alpha, x), tf.zerosLike(x), x),
  ScaledTanh: (alpha, beta, policy) => (x) =>
    tf.mul((policy.isTanhViaSigmoid ? tanhViaSigmoid : tf.tanh)(tf.mul(x, beta)), alpha),
  HardSigmoid: (alpha, beta) => (x) => clampKeepingNaN(tf.add(tf.mul(x, alpha), beta), 0, 1),
  Elu: (alpha, _b, policy) =>
    expBased((x) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha)), policy),
  // x * (1 / (|x| + 1)), not a division: tfjs's webgl div returns 1 when both sides are equal, so
  // inf / inf gave 1 there; the product gives inf * 0 = NaN at ±inf, as PyTorch and the reference do.
  Softsign: () => (x) => tf.mul(x, tf.reciprocal(tf.add(tf.abs(x), 1))),
  Softplus: (_a, _b, policy) => expBased((x) => tf.softplus(x), policy),
  // gamma (beta) * (0 >= x ? alpha expm1(x) : x): the reference's branch at 0, so the slope there is
  // alpha gamma as in the reference (tf.selu has fixed constants); GreaterEqual has a tfjs gradient.
  Selu: (alpha, beta, policy) =>
    expBased(
      (x) => tf.mul(tf.where(tf.greaterEqual(0, x), tf.mul(tf.expm1(tf.minimum(x, 0)), alpha), x), beta),
      policy,
    ),
};

/** The tfjs form of an ONNX activation, with the alpha/beta that `defineSpec` filled in. */
export function activationOp(a: Activation, policy: OpPolicy): TensorFn {
  return OPS[a.name](a.alpha ?? 0, a.beta ?? 0, policy);
}

/** `f` as is where the engine's exp keeps NaN; elsewhere `isNaN(x) ? x : f(x)` (NaN takes no part in the gradient). */
function expBased(f: TensorFn, policy: OpPolicy): TensorFn {
  return policy.isExpNanSafe ? f : (x) => keepNaN(x, f(x));
}

/**
 * `y` with x's NaNs put back: where an engine computes f(NaN) as a number (SwiftShader's exp(NaN) is
 * +Inf), the result is still NaN, as PyTorch's and the reference's.
 */
export function keepNaN(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.where(tf.isNaN(x), x, y);
}

/** Clamps to [lo, hi] with NaN kept (tfjs's maximum/minimum propagate NaN on every engine; wasm's clipByValue does not). */
function clampKeepingNaN(x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  return tf.minimum(tf.maximum(x, lo), hi);
}

/** tanh(x) = 2 sigmoid(2x) - 1, for engines whose tanh kernel is slow. */
export function tanhViaSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Clamps gate pre-activations to [-clip, clip] (ONNX `clip`, NaN kept), or passes them through when clip is null. */
export function clipOp(clip: number | null): TensorFn {
  return clip === null ? (x) => x : (x) => clampKeepingNaN(x, -clip, clip);
}
