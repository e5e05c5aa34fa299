import { ConfigError } from './errors.js';

/** The activation functions the ONNX RNN, GRU and LSTM operators allow in their `activations` attribute. */
export const RECURRENT_OPERATOR_ACTIVATIONS = [
  'Relu',
  'Tanh',
  'Sigmoid',
  'Affine',
  'LeakyRelu',
  'ThresholdedRelu',
  'ScaledTanh',
  'HardSigmoid',
  'Elu',
  'Softsign',
  'Softplus',
] as const;

/**
 * Every activation deeprnn runs (ONNX spelling): the recurrent operators' list and `Selu` (ONNX's
 * Selu operator, PyTorch's SELU, Keras' `selu`), which those operators lack, so an ONNX export of
 * a spec that uses it takes the Loop lowering.
 */
export const ACTIVATION_NAMES: readonly [...typeof RECURRENT_OPERATOR_ACTIVATIONS, 'Selu'] = [
  ...RECURRENT_OPERATOR_ACTIVATIONS,
  'Selu',
];

/** One of {@link ACTIVATION_NAMES}. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** An activation with its parameters; `alpha`/`beta` are filled with the ONNX defaults by `defineSpec`. */
export interface Activation {
  /** The function, in ONNX spelling. */
  readonly name: ActivationName;
  /** First parameter (slope, scale or threshold, per the ONNX operator); absent when the activation reads none. */
  readonly alpha?: number;
  /** Second parameter (offset or scale, per ONNX; Selu's gamma); absent for activations that read none. */
  readonly beta?: number;
}

/** Which of alpha and beta an activation reads, with the defaults of the matching ONNX operator. */
export const ACTIVATION_DEFAULTS: Readonly<
  Record<
    ActivationName,
    {
      /** Default alpha; present exactly when the activation reads alpha. */
      readonly alpha?: number;
      /** Default beta; present exactly when the activation reads beta. */
      readonly beta?: number;
    }
  >
> = {
  Relu: {},
  Tanh: {},
  Sigmoid: {},
  Affine: { alpha: 1, beta: 0 },
  LeakyRelu: { alpha: 0.01 },
  ThresholdedRelu: { alpha: 1 },
  ScaledTanh: { alpha: 1, beta: 1 },
  HardSigmoid: { alpha: 0.2, beta: 0.5 },
  Elu: { alpha: 1 },
  Softsign: {},
  Softplus: {},
  // ONNX Selu's alpha and gamma (gamma is `beta` here), the float32 roundings of SELU's constants.
  Selu: { alpha: 1.67326319217681884765625, beta: 1.05070102214813232421875 },
};

/** True for activations that read `alpha`. */
export function usesAlpha(name: ActivationName): boolean {
  return ACTIVATION_DEFAULTS[name].alpha !== undefined;
}

/** True for activations that read `beta`. */
export function usesBeta(name: ActivationName): boolean {
  return ACTIVATION_DEFAULTS[name].beta !== undefined;
}

/**
 * Fills in the default alpha/beta of an activation and rejects unknown names, parameters the
 * activation does not read and non-finite values.
 *
 * @throws {@link ConfigError} naming the activation and the offending value.
 */
export function normalizeActivation(a: Activation, where: string): Activation {
  if (!(ACTIVATION_NAMES as readonly string[]).includes(a.name)) {
    throw new ConfigError(
      `${where}: unknown activation '${String(a.name)}', expected one of ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  const defaults = ACTIVATION_DEFAULTS[a.name];
  const out: { name: ActivationName; alpha?: number; beta?: number } = { name: a.name };
  for (const key of ['alpha', 'beta'] as const) {
    const given = a[key];
    if (given === undefined) {
      if (defaults[key] !== undefined) out[key] = defaults[key];
      continue;
    }
    if (defaults[key] === undefined) {
      throw new ConfigError(`${where}: activation ${a.name} takes no ${key}, got ${given}`);
    }
    if (typeof given !== 'number' || !Number.isFinite(given)) {
      throw new ConfigError(`${where}: ${a.name} ${key} must be a finite number, got ${String(given)}`);
    }
    out[key] = given;
  }
  return Object.freeze(out);
}

/** A scalar activation function and its derivative written in terms of the input `x` and output `y`. */
export interface ActivationFn {
  /** The activation: y = f(x). */
  readonly apply: (x: number) => number;
  /** d apply / dx, given x and y = apply(x). */
  readonly derivative: (x: number, y: number) => number;
}

/**
 * Every activation's scalar function, keyed by name: the mapped type makes the compiler reject a
 * missing or misspelled activation, where a `switch` could fall through. Each maps NaN to NaN (as
 * PyTorch's functions do): comparisons are written so that NaN takes the branch that returns x.
 */
const ACTIVATION_FNS: { readonly [K in ActivationName]: (alpha: number, beta: number) => ActivationFn } = {
  // x <= 0 is false for NaN, so NaN passes through; the derivative lets the gradient through at NaN
  // as PyTorch's threshold_backward does.
  Relu: () => ({ apply: (x) => (x <= 0 ? 0 : x), derivative: (x) => (x <= 0 ? 0 : 1) }),
  Tanh: () => ({ apply: Math.tanh, derivative: (_x, y) => 1 - y * y }),
  Sigmoid: () => ({ apply: sigmoid, derivative: (_x, y) => y * (1 - y) }),
  Affine: (alpha, beta) => ({ apply: (x) => alpha * x + beta, derivative: () => alpha }),
  LeakyRelu: (alpha) => ({ apply: (x) => (x >= 0 ? x : alpha * x), derivative: (x) => (x >= 0 ? 1 : alpha) }),
  ThresholdedRelu: (alpha) => ({ apply: (x) => (x <= alpha ? 0 : x), derivative: (x) => (x <= alpha ? 0 : 1) }),
  ScaledTanh: (alpha, beta) => ({
    apply: (x) => alpha * Math.tanh(beta * x),
    derivative: (x) => {
      const t = Math.tanh(beta * x);
      return alpha * beta * (1 - t * t);
    },
  }),
  HardSigmoid: (alpha, beta) => ({
    // Math.min/Math.max return NaN for a NaN argument.
    apply: (x) => Math.max(0, Math.min(1, alpha * x + beta)),
    derivative: (x) => {
      const v = alpha * x + beta;
      return v > 0 && v < 1 ? alpha : 0;
    },
  }),
  Elu: (alpha) => ({
    apply: (x) => (x >= 0 ? x : alpha * Math.expm1(x)),
    derivative: (x, y) => (x >= 0 ? 1 : y + alpha),
  }),
  Softsign: () => ({
    apply: (x) => x / (1 + Math.abs(x)),
    derivative: (x) => {
      const d = 1 + Math.abs(x);
      return 1 / (d * d);
    },
  }),
  Softplus: () => ({ apply: softplus, derivative: (x) => sigmoid(x) }),
  // beta (ONNX's gamma) * (x > 0 ? x : alpha (e^x - 1)); NaN fails x > 0 and expm1(NaN) is NaN.
  Selu: (alpha, beta) => ({
    apply: (x) => beta * (x > 0 ? x : alpha * Math.expm1(x)),
    derivative: (x, y) => (x > 0 ? beta : y + alpha * beta),
  }),
};

/** The scalar function an activation computes (float64; callers round to their dtype). NaN maps to NaN. */
export function activationFn(a: Activation): ActivationFn {
  return ACTIVATION_FNS[a.name](a.alpha ?? 0, a.beta ?? 0);
}

/** Numerically stable logistic sigmoid. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  // log(1 + e^x) without overflow for large x.
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
