import { type Activation, type ActivationName, activationFn } from '../../activation.js';
import type { FloatArray } from '../matmul.js';

/** Multiplies grad[gOff + i] by act'(pre[off + i]) for i in [0, n), given the recorded y = act(pre). */
type DerivativeSpan = (
  a: Activation,
  pre: FloatArray,
  y: FloatArray,
  off: number,
  grad: FloatArray,
  gOff: number,
  n: number,
) => void;

/** The other ONNX activations go through their scalar derivative. */
const viaScalarDerivative: DerivativeSpan = (a, pre, y, off, grad, gOff, n) => {
  const fn = activationFn(a);
  for (let i = 0; i < n; i++) grad[gOff + i] = grad[gOff + i]! * fn.derivative(pre[off + i]!, y[off + i]!);
};

/**
 * The derivative loop of every activation, keyed by name (the compiler rejects a missing one). Tanh,
 * Sigmoid and Relu, the cells' defaults, run as tight loops; Relu lets the gradient through at a NaN
 * pre-activation, as PyTorch's threshold_backward does.
 */
const DERIVATIVE_SPANS: { readonly [K in ActivationName]: DerivativeSpan } = {
  Tanh: (_a, _pre, y, off, grad, gOff, n) => {
    for (let i = 0; i < n; i++) {
      const v = y[off + i]!;
      grad[gOff + i] = grad[gOff + i]! * (1 - v * v);
    }
  },
  Sigmoid: (_a, _pre, y, off, grad, gOff, n) => {
    for (let i = 0; i < n; i++) {
      const v = y[off + i]!;
      grad[gOff + i] = grad[gOff + i]! * (v * (1 - v));
    }
  },
  Relu: (_a, pre, _y, off, grad, gOff, n) => {
    for (let i = 0; i < n; i++) if (pre[off + i]! <= 0) grad[gOff + i] = 0;
  },
  Affine: viaScalarDerivative,
  LeakyRelu: viaScalarDerivative,
  ThresholdedRelu: viaScalarDerivative,
  ScaledTanh: viaScalarDerivative,
  HardSigmoid: viaScalarDerivative,
  Elu: viaScalarDerivative,
  Softsign: viaScalarDerivative,
  Softplus: viaScalarDerivative,
  Selu: viaScalarDerivative,
};

/**
 * Multiplies grad[gOff + i] by act'(pre[off + i]) for i in [0, n), where y = act(pre) was recorded by
 * the forward pass.
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
  DERIVATIVE_SPANS[a.name](a, pre, y, off, grad, gOff, n);
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
export function clipRecording(
  buf: FloatArray,
  off: number,
  n: number,
  clip: number | null,
  inRange: Uint8Array | null,
): void {
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
      // NaN stays NaN and, as in PyTorch's clamp backward, passes no gradient.
      inRange[i] = v === v ? 1 : 0;
    }
  }
}
