import type { Activation, ActivationName } from '../activation.js';
import { sigmoid } from '../activation.js';
import type { FloatArray } from './matmul.js';

/**
 * Clamps buf[start..end) to [-clip, clip] (ONNX `clip`, applied to gate pre-activations). NaN stays
 * NaN: both comparisons are false for it.
 */
export function clipSpan(buf: FloatArray, start: number, end: number, clip: number): void {
  for (let i = start; i < end; i++) {
    const v = buf[i]!;
    if (v > clip) buf[i] = clip;
    else if (v < -clip) buf[i] = -clip;
  }
}

/** Applies one activation in place to buf[start..end), given its alpha and beta. */
type SpanFn = (buf: FloatArray, start: number, end: number, alpha: number, beta: number) => void;

/**
 * One tight loop per activation, keyed by name: the mapped type makes the compiler reject a missing
 * activation. Every loop maps NaN to NaN (NaN in, NaN out, as in PyTorch): the conditions are written
 * so that NaN fails them and keeps its value.
 */
const SPANS: { readonly [K in ActivationName]: SpanFn } = {
  Tanh: (buf, start, end) => {
    for (let i = start; i < end; i++) buf[i] = Math.tanh(buf[i]!);
  },
  Sigmoid: (buf, start, end) => {
    for (let i = start; i < end; i++) buf[i] = sigmoid(buf[i]!);
  },
  Relu: (buf, start, end) => {
    for (let i = start; i < end; i++) if (buf[i]! <= 0) buf[i] = 0;
  },
  Affine: (buf, start, end, alpha, beta) => {
    for (let i = start; i < end; i++) buf[i] = alpha * buf[i]! + beta;
  },
  LeakyRelu: (buf, start, end, alpha) => {
    for (let i = start; i < end; i++) if (buf[i]! < 0) buf[i] = alpha * buf[i]!;
  },
  ThresholdedRelu: (buf, start, end, alpha) => {
    for (let i = start; i < end; i++) if (buf[i]! <= alpha) buf[i] = 0;
  },
  ScaledTanh: (buf, start, end, alpha, beta) => {
    for (let i = start; i < end; i++) buf[i] = alpha * Math.tanh(beta * buf[i]!);
  },
  HardSigmoid: (buf, start, end, alpha, beta) => {
    for (let i = start; i < end; i++) buf[i] = Math.max(0, Math.min(1, alpha * buf[i]! + beta));
  },
  Elu: (buf, start, end, alpha) => {
    for (let i = start; i < end; i++) if (buf[i]! < 0) buf[i] = alpha * Math.expm1(buf[i]!);
  },
  Softsign: (buf, start, end) => {
    for (let i = start; i < end; i++) buf[i] = buf[i]! / (1 + Math.abs(buf[i]!));
  },
  Softplus: (buf, start, end) => {
    for (let i = start; i < end; i++) {
      const x = buf[i]!;
      buf[i] = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
  },
  Selu: (buf, start, end, alpha, beta) => {
    for (let i = start; i < end; i++) {
      const x = buf[i]!;
      buf[i] = beta * (x > 0 ? x : alpha * Math.expm1(x));
    }
  },
};

/** Applies an activation in place to buf[start..end); the dispatch sits outside the loops. */
export function activateSpan(a: Activation, buf: FloatArray, start: number, end: number): void {
  SPANS[a.name](buf, start, end, a.alpha ?? 0, a.beta ?? 0);
}

/** Scalar form of {@link activateSpan}, for single values. */
export function activateScalar(a: Activation, x: number): number {
  const tmp = new Float64Array([x]);
  activateSpan(a, tmp, 0, 1);
  return tmp[0]!;
}
