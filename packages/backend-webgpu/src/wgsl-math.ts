import type { Activation } from '@deeprnn/core';

/** A number as a WGSL f32 literal (`1.0`, `-0.75`, `1e-7`). */
export function f32(value: number): string {
  const v = Math.fround(value);
  if (!Number.isFinite(v)) throw new RangeError(`wgsl: ${value} has no finite f32 literal`);
  const text = String(v);
  return /[.e]/.test(text) ? `(${text})` : `(${text}.0)`;
}

/**
 * Activations written without WGSL's `tanh` (it returns NaN for large |x| on some drivers) and
 * without min/max/clamp (their result on NaN is unspecified): tanh and sigmoid come from
 * exp(-|x|), which never overflows, and every comparison is a `select` that keeps NaN (NaN in, NaN
 * out, as in PyTorch).
 */
export const WGSL_MATH = /* wgsl */ `
fn safe_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.125) {
    // Near 0 the exp form loses relative precision; the odd Taylor series to x^7 is exact in f32 here.
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333334 + x2 * (0.13333334 + x2 * -0.053968254)));
  }
  let e = exp(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
fn safe_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let s = 1.0 / (1.0 + e);
  return select(e * s, s, x >= 0.0);
}
`;

/** The WGSL expression of one activation applied to the expression `x`. */
export function activationExpr(a: Activation, x: string): string {
  const alpha = f32(a.alpha ?? 0);
  const beta = f32(a.beta ?? 0);
  switch (a.name) {
    case 'Tanh':
      return `safe_tanh(${x})`;
    case 'Sigmoid':
      return `safe_sigmoid(${x})`;
    case 'Relu':
      return `select(${x}, 0.0, ${x} < 0.0)`;
    case 'Affine':
      return `(${alpha} * ${x} + ${beta})`;
    case 'LeakyRelu':
      return `select(${x}, ${alpha} * ${x}, ${x} < 0.0)`;
    case 'ThresholdedRelu':
      return `select(${x}, 0.0, ${x} <= ${alpha})`;
    case 'ScaledTanh':
      return `(${alpha} * safe_tanh(${beta} * ${x}))`;
    case 'HardSigmoid':
      return `hard_sigmoid(${alpha} * ${x} + ${beta})`;
    case 'Elu':
      return `select(${alpha} * (exp(${x}) - 1.0), ${x}, ${x} >= 0.0)`;
    case 'Softsign':
      return `(${x} / (1.0 + abs(${x})))`;
    case 'Softplus':
      return `softplus(${x})`;
  }
}

/** Helpers some activations call; always emitted (unused functions cost nothing). */
export const WGSL_ACTIVATION_HELPERS = /* wgsl */ `
fn hard_sigmoid(v: f32) -> f32 {
  return select(select(v, 1.0, v > 1.0), 0.0, v < 0.0);
}
fn softplus(x: f32) -> f32 {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow.
  return select(0.0, x, x > 0.0) + log(1.0 + exp(-abs(x)));
}
`;

/**
 * A WGSL function `name(x, dir)` applying the forward direction's activation for dir 0 and the
 * reverse direction's for dir 1 (they differ only with ONNX `reverseActivations`).
 */
export function activationFunction(name: string, forward: Activation, reverse: Activation | undefined): string {
  const fwd = activationExpr(forward, 'x');
  if (!reverse) return `fn ${name}(x: f32, dir: u32) -> f32 { return ${fwd}; }\n`;
  const rev = activationExpr(reverse, 'x');
  if (rev === fwd) return `fn ${name}(x: f32, dir: u32) -> f32 { return ${fwd}; }\n`;
  return `fn ${name}(x: f32, dir: u32) -> f32 {\n  if (dir == 0u) { return ${fwd}; }\n  return ${rev};\n}\n`;
}

/** A WGSL function `clip_gate(v)` clamping to [-clip, clip] (ONNX `clip`), or the identity. */
export function clipFunction(clip: number | null): string {
  if (clip === null) return 'fn clip_gate(v: f32) -> f32 { return v; }\n';
  const c = f32(clip);
  return `fn clip_gate(v: f32) -> f32 { return select(select(v, ${c}, v > ${c}), -${c}, v < -${c}); }\n`;
}
