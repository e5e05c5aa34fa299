import type { Activation } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type ProductActivation, linearWithGrad } from './linear-op.js';
import type { OpPolicy } from './op-policy.js';
import type { GateWeights } from './weights.js';

/**
 * `act(a · w + b)` as one fused product (bias fused; a rank-1 bias is what every engine's kernel
 * takes). Weights prepared for training get the fast hand-written gradient.
 */
export function product(a: tf.Tensor, g: GateWeights, activation: ProductActivation = 'linear'): tf.Tensor {
  if (g.training !== null) return linearWithGrad(a, g.training.wT, g.training.batch, activation);
  if (activation === 'tanhViaSigmoid') return tf.sub(tf.mul(product(a, g, 'sigmoid'), 2), 1);
  if (g.b === null && activation === 'linear') return tf.matMul(a, g.w);
  return g.b === null
    ? tf.fused.matMul({ a, b: g.w, activation })
    : tf.fused.matMul({ a, b: g.w, bias: g.b, activation });
}

/**
 * A gate that reads only its own product: act(clip(a · w + b + extra)). Sigmoid and relu gates
 * without clip or extra term fuse the activation into the product (one kernel), each only where the
 * engine's fused form keeps NaN ({@link OpPolicy.isExpNanSafe}, {@link OpPolicy.isReluNanSafe}).
 */
export function gateOp(
  activation: Activation,
  clip: number | null,
  policy: OpPolicy,
): (a: tf.Tensor, g: GateWeights, extra?: tf.Tensor) => tf.Tensor {
  const act = activationOp(activation, policy);
  const cl = clipOp(clip);
  const fused =
    clip === null &&
    ((activation.name === 'Sigmoid' && policy.isExpNanSafe) || (activation.name === 'Relu' && policy.isReluNanSafe));
  const fusedName = activation.name === 'Sigmoid' ? 'sigmoid' : 'relu';
  return (a, g, extra) => {
    if (g.isTanhFolded) return product(a, g, 'tanhViaSigmoid');
    if (fused && extra === undefined) return product(a, g, fusedName);
    const pre = product(a, g);
    return act(cl(extra === undefined ? pre : tf.add(pre, extra)));
  };
}
