import { type Activation, activationFn } from '../../activation.js';
import type { FloatArray } from '../matmul.js';

/**
 * Multiplies grad[gOff + i] by act'(pre[off + i]) for i in [0, n), where y = act(pre) was recorded by
 * the forward pass. Tanh, Sigmoid and Relu, the cells' defaults, run as tight loops reading y only;
 * the other ONNX activations go through their scalar derivative.
 */
export function scaleByDerivative(
  a: Activation,
  pre: FloatArray,
  y: FloatArray,
  off: number,
  grad: FloatArray,
  gOff: number,
  n: number,
): void {
  switch (a.name) {
    case 'Tanh':
      for (let i = 0; i < n; i++) {
        const v = y[off + i]!;
        grad[gOff + i] = grad[gOff + i]! * (1 - v * v);
      }
      return;
    case 'Sigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[off + i]!;
        grad[gOff + i] = grad[gOff + i]! * (v * (1 - v));
      }
      return;
    case 'Relu':
      for (let i = 0; i < n; i++) if (!(pre[off + i]! > 0)) grad[gOff + i] = 0;
      return;
    default: {
      const fn = activationFn(a);
      for (let i = 0; i < n; i++) grad[gOff + i] = grad[gOff + i]! * fn.derivative(pre[off + i]!, y[off + i]!);
    }
  }
}

/** Zeroes grad[gOff + i] where the forward clamped the pre-activation (`inRange[off + i]` is 0). */
export function maskClipped(inRange: Uint8Array | null, off: number, grad: FloatArray, gOff: number, n: number): void {
  if (inRange === null) return;
  for (let i = 0; i < n; i++) if (inRange[off + i] === 0) grad[gOff + i] = 0;
}

/**
 * Clamps buf[off..off+n) to [-clip, clip] like the forward's `clipSpan`, recording in `inRange` which
 * values were left alone (their gradient passes; clamped ones get zero).
 */
export function clipRecording(buf: FloatArray, off: number, n: number, clip: number | null, inRange: Uint8Array | null): void {
  if (clip === null || inRange === null) return;
  for (let i = off; i < off + n; i++) {
    const v = buf[i]!;
    if (v > clip) {
      buf[i] = clip;
      inRange[i] = 0;
    } else if (v < -clip) {
      buf[i] = -clip;
      inRange[i] = 0;
    } else {
      inRange[i] = 1;
    }
  }
}
