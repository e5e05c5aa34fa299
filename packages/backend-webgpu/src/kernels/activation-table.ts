import type { Activation, ActivationName } from '@deeprnn/core';
import { type ActivationMath, VECTOR_MATH, f32, literal } from './wgsl-math.js';

/** The WGSL pieces an activation's value is written with, in the table's type (`VT` or `f32`). */
interface ValueTerms {
  /** The argument. */
  readonly x: string;
  /** alpha and beta as literals of the table's type (0 where the activation reads none). */
  readonly alpha: string;
  readonly beta: string;
  /** 0 and 1 in the table's type. */
  readonly zero: string;
  readonly one: string;
  /** The math functions (tanh, sigmoid, softplus, hard sigmoid) of the table's type. */
  readonly math: ActivationMath;
}

/** One activation on the GPU: its value, and its slope for the training kernels. */
interface ActivationEntry {
  /** WGSL of f(x). Every comparison is a `select` that keeps NaN (see WGSL_MATH). */
  readonly value: (t: ValueTerms) => string;
  /**
   * WGSL of f'(x) written in the output `y` (scalar f32): every ONNX activation is monotone, so
   * the backward keeps no pre-activations. Null when the output does not determine the slope.
   */
  readonly slope: (y: string, alpha: number, beta: number) => string | null;
}

/**
 * The one activation table of backend-webgpu, read by the forward kernels (vector code), the
 * training kernels (scalar code) and `unsupportedTraining`. Keyed by name: the mapped type makes
 * the compiler reject a core activation without an entry. Adding an activation is one entry here.
 */
const ACTIVATIONS: { readonly [K in ActivationName]: ActivationEntry } = {
  Tanh: { value: (t) => `${t.math.tanh}(${t.x})`, slope: (y) => `(1.0 - ${y} * ${y})` },
  Sigmoid: { value: (t) => `${t.math.sigmoid}(${t.x})`, slope: (y) => `(${y} * (1.0 - ${y}))` },
  Relu: {
    value: (t) => `select(${t.x}, ${t.zero}, ${t.x} < ${t.zero})`,
    slope: (y) => `select(0.0, 1.0, ${y} > 0.0)`,
  },
  Affine: { value: (t) => `(${t.alpha} * ${t.x} + ${t.beta})`, slope: (_y, alpha) => f32(alpha) },
  LeakyRelu: {
    value: (t) => `select(${t.x}, ${t.alpha} * ${t.x}, ${t.x} < ${t.zero})`,
    // A negative alpha folds the negative side onto the positive one.
    slope: (y, alpha) => (alpha > 0 ? `select(${f32(alpha)}, 1.0, ${y} > 0.0)` : null),
  },
  ThresholdedRelu: {
    value: (t) => `select(${t.x}, ${t.zero}, ${t.x} <= ${t.alpha})`,
    slope: (y, alpha) => (alpha >= 0 ? `select(0.0, 1.0, ${y} != 0.0)` : null),
  },
  ScaledTanh: {
    value: (t) => `(${t.alpha} * ${t.math.tanh}(${t.beta} * ${t.x}))`,
    // y = a tanh(b x): dy/dx = a b (1 - (y / a)^2); with a = 0 the output is always 0.
    slope: (y, alpha, beta) => (alpha !== 0 ? `(${f32(beta)} * (${f32(alpha)} - ${y} * ${y} / ${f32(alpha)}))` : null),
  },
  HardSigmoid: {
    value: (t) => {
      const v = `${t.alpha} * ${t.x} + ${t.beta}`;
      return t.math.hardSigmoid
        ? `${t.math.hardSigmoid}(${v})`
        : `select(select(${v}, ${t.one}, ${v} > ${t.one}), ${t.zero}, ${v} < ${t.zero})`;
    },
    slope: (y, alpha) => `select(0.0, ${f32(alpha)}, ${y} > 0.0 && ${y} < 1.0)`,
  },
  Elu: {
    // x unless x < 0: NaN stays NaN without going through exp (SwiftShader's exp(NaN) is +Inf).
    value: (t) => `select(${t.x}, ${t.alpha} * (exp(${t.x}) - ${t.one}), ${t.x} < ${t.zero})`,
    slope: (y, alpha) => (alpha > 0 ? `select(${y} + ${f32(alpha)}, 1.0, ${y} > 0.0)` : null),
  },
  Softsign: {
    value: (t) => `(${t.x} / (${t.one} + abs(${t.x})))`,
    slope: (y) => `((1.0 - abs(${y})) * (1.0 - abs(${y})))`,
  },
  Softplus: {
    value: (t) => `${t.math.softplus}(${t.x})`,
    // y = softplus(x) > 0; a NaN y fails the test and is returned as is (exp(NaN) may be +Inf).
    slope: (y) => `select(${y}, 1.0 - exp(-${y}), ${y} >= 0.0)`,
  },
  Selu: {
    // gamma (beta) * (x unless x <= 0, else alpha (e^x - 1)): NaN keeps x, as in Elu.
    value: (t) => `(${t.beta} * select(${t.x}, ${t.alpha} * (exp(${t.x}) - ${t.one}), ${t.x} <= ${t.zero}))`,
    // y > 0: gamma; else y = gamma alpha (e^x - 1), so dy/dx = y + gamma alpha. Monotone for alpha >= 0, gamma > 0.
    slope: (y, alpha, beta) =>
      alpha >= 0 && beta > 0 ? `select(${y} + ${f32(alpha * beta)}, ${f32(beta)}, ${y} > 0.0)` : null,
  },
};

/** The WGSL expression of activation `a` applied to the expression `x`, in `math`'s type and functions. */
export function activationExpr(a: Activation, x: string, math: ActivationMath = VECTOR_MATH): string {
  const vector = math.type === 'VT';
  return ACTIVATIONS[a.name].value({
    x,
    alpha: literal(math, a.alpha ?? 0),
    beta: literal(math, a.beta ?? 0),
    zero: vector ? 'VT(0.0)' : '0.0',
    one: vector ? 'VT(1.0)' : '1.0',
    math,
  });
}

/**
 * The WGSL expression (scalar f32) of an activation's derivative written in its output `y`, or
 * null when the output does not determine the slope (a negative alpha folds the negative side
 * onto the positive one; ScaledTanh with alpha 0 outputs only 0).
 */
export function derivativeFromOutput(a: Activation, y: string): string | null {
  return ACTIVATIONS[a.name].slope(y, a.alpha ?? 0, a.beta ?? 0);
}

/**
 * A WGSL function `name(x, dir)` applying the forward direction's activation for dir 0 and the
 * reverse direction's for dir 1 (they differ only with ONNX `reverseActivations`), in `math`'s type.
 */
export function activationFunction(
  name: string,
  forward: Activation,
  reverse: Activation | undefined,
  math: ActivationMath = VECTOR_MATH,
): string {
  const T = math.type;
  const fwd = activationExpr(forward, 'x', math);
  const rev = reverse ? activationExpr(reverse, 'x', math) : fwd;
  if (rev === fwd) return `fn ${name}(x: ${T}, dir: u32) -> ${T} { return ${fwd}; }\n`;
  return `fn ${name}(x: ${T}, dir: u32) -> ${T} {\n  if (dir == 0u) { return ${fwd}; }\n  return ${rev};\n}\n`;
}
