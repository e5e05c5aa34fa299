import type { Activation } from '@deeprnn/core';
import type { Tape } from './tape.js';

/**
 * One activation on the tape, as the forward export writes it (activation-ops.ts): the ONNX op
 * where one exists, Affine and ScaledTanh from Mul/Add/Tanh, so every op has a gradient rule.
 */
export function tapeActivation(tape: Tape, a: Activation, x: string): string {
  const alpha = a.alpha ?? 0;
  const beta = a.beta ?? 0;
  switch (a.name) {
    case 'Relu':
    case 'Tanh':
    case 'Sigmoid':
    case 'Softsign':
    case 'Softplus':
      return tape.unary(a.name, x);
    case 'LeakyRelu':
    case 'ThresholdedRelu':
    case 'Elu':
      return tape.unary(a.name, x, { alpha: { float: alpha } });
    case 'HardSigmoid':
      return tape.unary('HardSigmoid', x, { alpha: { float: alpha }, beta: { float: beta } });
    case 'Affine':
      return tape.add(tape.mul(x, tape.scalar(alpha)), tape.scalar(beta));
    case 'ScaledTanh':
      return tape.mul(tape.unary('Tanh', tape.mul(x, tape.scalar(beta))), tape.scalar(alpha));
    case 'Selu':
      return tape.unary('Selu', x, { alpha: { float: alpha }, gamma: { float: beta } });
  }
}

/** Clamps gate pre-activations to [-clip, clip] when the spec sets `clip` (before the activation). */
export function tapeClip(tape: Tape, clip: number | null, x: string): string {
  if (clip === null) return x;
  const [y] = tape.emit('Clip', [x, tape.scalar(-clip), tape.scalar(clip)], {}, [tape.shapeOf(x)]);
  return y as string;
}
