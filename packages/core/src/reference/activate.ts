import type { Activation } from '../activation.js';
import { sigmoid } from '../activation.js';
import type { FloatArray } from './matmul.js';

/** Clamps buf[start..end) to [-clip, clip] (ONNX `clip`, applied to gate pre-activations). */
export function clipSpan(buf: FloatArray, start: number, end: number, clip: number): void {
  for (let i = start; i < end; i++) {
    const v = buf[i]!;
    if (v > clip) buf[i] = clip;
    else if (v < -clip) buf[i] = -clip;
  }
}

/**
 * Applies an activation in place to buf[start..end). The switch sits outside the loops so the common
 * cases (Tanh, Sigmoid, Relu) run as tight loops.
 */
export function activateSpan(a: Activation, buf: FloatArray, start: number, end: number): void {
  const alpha = a.alpha ?? 0;
  const beta = a.beta ?? 0;
  switch (a.name) {
    case 'Tanh':
      for (let i = start; i < end; i++) buf[i] = Math.tanh(buf[i]!);
      return;
    case 'Sigmoid':
      for (let i = start; i < end; i++) buf[i] = sigmoid(buf[i]!);
      return;
    case 'Relu':
      for (let i = start; i < end; i++) if (!(buf[i]! > 0)) buf[i] = 0;
      return;
    case 'Affine':
      for (let i = start; i < end; i++) buf[i] = alpha * buf[i]! + beta;
      return;
    case 'LeakyRelu':
      for (let i = start; i < end; i++) if (buf[i]! < 0) buf[i] = alpha * buf[i]!;
      return;
    case 'ThresholdedRelu':
      for (let i = start; i < end; i++) if (!(buf[i]! > alpha)) buf[i] = 0;
      return;
    case 'ScaledTanh':
      for (let i = start; i < end; i++) buf[i] = alpha * Math.tanh(beta * buf[i]!);
      return;
    case 'HardSigmoid':
      for (let i = start; i < end; i++) buf[i] = Math.max(0, Math.min(1, alpha * buf[i]! + beta));
      return;
    case 'Elu':
      for (let i = start; i < end; i++) if (buf[i]! < 0) buf[i] = alpha * Math.expm1(buf[i]!);
      return;
    case 'Softsign':
      for (let i = start; i < end; i++) buf[i] = buf[i]! / (1 + Math.abs(buf[i]!));
      return;
    case 'Softplus':
      for (let i = start; i < end; i++) {
        const x = buf[i]!;
        buf[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      }
      return;
  }
}

/** Scalar form of {@link activateSpan}, for single values. */
export function activateScalar(a: Activation, x: number): number {
  const tmp = new Float64Array([x]);
  activateSpan(a, tmp, 0, 1);
  return tmp[0]!;
}
