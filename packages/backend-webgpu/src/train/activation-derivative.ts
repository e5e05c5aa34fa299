import type { Activation } from '@deeprnn/core';
import { f32 } from '../kernels/wgsl-math.js';

/**
 * The WGSL expression of an activation's derivative written in its output `y`: every ONNX
 * activation is monotone, so the output alone gives the slope and the backward keeps no
 * pre-activations. Null when the output does not determine the slope (a negative alpha folds the
 * negative side onto the positive one; ScaledTanh with alpha 0 outputs only 0).
 */
export function derivativeFromOutput(a: Activation, y: string): string | null {
  const alpha = a.alpha ?? 0;
  const al = f32(alpha);
  switch (a.name) {
    case 'Tanh':
      return `(1.0 - ${y} * ${y})`;
    case 'Sigmoid':
      return `(${y} * (1.0 - ${y}))`;
    case 'Relu':
      return `select(0.0, 1.0, ${y} > 0.0)`;
    case 'Affine':
      return al;
    case 'LeakyRelu':
      return alpha > 0 ? `select(${al}, 1.0, ${y} > 0.0)` : null;
    case 'ThresholdedRelu':
      return alpha >= 0 ? `select(0.0, 1.0, ${y} != 0.0)` : null;
    case 'ScaledTanh':
      // y = a tanh(b x): dy/dx = a b (1 - (y / a)^2).
      return alpha !== 0 ? `(${f32(a.beta ?? 0)} * (${al} - ${y} * ${y} / ${al}))` : null;
    case 'HardSigmoid':
      return `select(0.0, ${al}, ${y} > 0.0 && ${y} < 1.0)`;
    case 'Elu':
      return alpha > 0 ? `select(${y} + ${al}, 1.0, ${y} > 0.0)` : null;
    case 'Softsign':
      return `((1.0 - abs(${y})) * (1.0 - abs(${y})))`;
    case 'Softplus':
      // y = softplus(x) > 0; a NaN y fails the test and is returned as is (exp(NaN) may be +Inf).
      return `select(${y}, 1.0 - exp(-${y}), ${y} >= 0.0)`;
  }
}
