import type { Activation } from '@deeprnn/core';
import type { GraphBuilder } from './graph-builder.js';

/**
 * Emits the ONNX ops that compute one activation function on `x` (the Loop lowering, where the
 * recurrent operators' `activations` attribute is not available).
 *
 * @returns the name of the activated value.
 */
export function emitActivation(b: GraphBuilder, a: Activation, x: string): string {
  const alpha = a.alpha ?? 0;
  const beta = a.beta ?? 0;
  switch (a.name) {
    case 'Relu':
    case 'Tanh':
    case 'Sigmoid':
    case 'Softsign':
    case 'Softplus':
      return b.op1(a.name, [x]);
    case 'LeakyRelu':
    case 'ThresholdedRelu':
    case 'Elu':
      return b.op1(a.name, [x], { alpha: { float: alpha } });
    case 'HardSigmoid':
      return b.op1('HardSigmoid', [x], { alpha: { float: alpha }, beta: { float: beta } });
    case 'Affine':
      return b.op1('Add', [b.op1('Mul', [x, b.floats([alpha])]), b.floats([beta])]);
    case 'ScaledTanh':
      return b.op1('Mul', [b.op1('Tanh', [b.op1('Mul', [x, b.floats([beta])])]), b.floats([alpha])]);
    case 'Selu':
      // deeprnn's beta is ONNX Selu's gamma.
      return b.op1('Selu', [x], { alpha: { float: alpha }, gamma: { float: beta } });
  }
}

/** Clamps `x` to [-clip, clip] when clip is set (ONNX `clip`: applied to every gate pre-activation). */
export function emitClip(b: GraphBuilder, clip: number | null, x: string): string {
  if (clip === null) return x;
  return b.op1('Clip', [x, b.floats([-clip]), b.floats([clip])]);
}
