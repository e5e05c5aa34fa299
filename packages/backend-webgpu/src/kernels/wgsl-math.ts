import type { Activation } from '@deeprnn/core';

/** A number as a WGSL f32 literal (`1.0`, `-0.75`, `1e-7`). */
export function f32(value: number): string {
  const v = Math.fround(value);
  if (!Number.isFinite(v)) throw new RangeError(`wgsl: ${value} has no finite f32 literal`);
  const text = String(v);
  return /[.e]/.test(text) ? `(${text})` : `(${text}.0)`;
}

/**
 * Math on the kernel's value type `VT` (f32, or vec4<f32> when a thread owns 4 units), written
 * without WGSL's `tanh` (it returns NaN for large |x| on some drivers) and without min/max/clamp
 * (their result on NaN is unspecified): tanh and sigmoid come from exp(-|x|), which never
 * overflows, and every comparison is a `select` that keeps NaN (NaN in, NaN out, as in PyTorch).
 */
export const WGSL_MATH = /* wgsl */ `
fn safe_tanh(x: VT) -> VT {
  let a = abs(x);
  // Near 0 the exp form loses relative precision; the odd Taylor series to x^7 is exact in f32 there.
  let x2 = x * x;
  let poly = x * (VT(1.0) + x2 * (VT(-0.33333334) + x2 * (VT(0.13333334) + x2 * VT(-0.053968254))));
  let e = exp(VT(-2.0) * a);
  let t = (VT(1.0) - e) / (VT(1.0) + e);
  return select(select(-t, t, x >= VT(0.0)), poly, a < VT(0.125));
}
fn safe_sigmoid(x: VT) -> VT {
  let e = exp(-abs(x));
  let s = VT(1.0) / (VT(1.0) + e);
  return select(e * s, s, x >= VT(0.0));
}
fn hard_sigmoid(v: VT) -> VT {
  return select(select(v, VT(1.0), v > VT(1.0)), VT(0.0), v < VT(0.0));
}
fn softplus(x: VT) -> VT {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow. max(x, 0) keeps x unless x < 0,
  // so NaN passes through the sum whatever exp(NaN) gives (SwiftShader's is +Inf).
  return select(x, VT(0.0), x < VT(0.0)) + log(VT(1.0) + exp(-abs(x)));
}
`;

/**
 * The math functions an activation table calls, and the type it is written in: the forward kernels'
 * vector code (`VT`, {@link WGSL_MATH}) or the training kernels' scalar code (`f32`, TRAIN_MATH).
 */
export interface ActivationMath {
  readonly type: 'VT' | 'f32';
  readonly tanh: string;
  readonly sigmoid: string;
  readonly softplus: string;
  /** A clamp-to-[0, 1] function, or null to write it inline. */
  readonly hardSigmoid: string | null;
}

/** The forward kernels' math: {@link WGSL_MATH} on the kernel's value type VT. */
export const VECTOR_MATH: ActivationMath = Object.freeze({
  type: 'VT',
  tanh: 'safe_tanh',
  sigmoid: 'safe_sigmoid',
  softplus: 'softplus',
  hardSigmoid: 'hard_sigmoid',
});

/** A number as a literal of `math`'s type (`VT(...)` or an f32 literal). */
export function literal(math: ActivationMath, value: number): string {
  return math.type === 'VT' ? `VT${f32(value)}` : f32(value);
}

/** WGSL clamping `v` to [-clip, clip] (ONNX `clip` on a gate's pre-activation) as a select that keeps NaN. */
export function clampExpr(math: ActivationMath, v: string, clip: number): string {
  const c = literal(math, clip);
  return `select(select(${v}, ${c}, ${v} > ${c}), -${c}, ${v} < -${c})`;
}

/**
 * A WGSL function `forget_coupled(zi, ig, dir)`: the LSTM forget gate under `inputForget`, f = 1 - i,
 * given i's clipped pre-activation `zi` and i itself. A sigmoid direction computes it as σ(-zi) (the
 * reference's rule): the same number, but positive where σ(zi) rounds to 1, so an infinite cell state
 * gives f * c = ±inf and not 0 * inf = NaN. Other activations take the complement. `type` is the
 * kernel's value type (`VT` or `f32`).
 */
export function coupledForgetFunction(type: string, forward: Activation, reverse: Activation | undefined): string {
  const form = (a: Activation): string => (a.name === 'Sigmoid' ? 'act_f(-zi, dir)' : `${type}(1.0) - ig`);
  const fwd = form(forward);
  const rev = form(reverse ?? forward);
  const body = rev === fwd ? `return ${fwd};` : `if (dir == 0u) { return ${fwd}; }\n  return ${rev};`;
  return `fn forget_coupled(zi: ${type}, ig: ${type}, dir: u32) -> ${type} {\n  ${body}\n}\n`;
}

/** A WGSL function `clip_gate(v)` clamping to [-clip, clip] (ONNX `clip`), or the identity, in `math`'s type. */
export function clipFunction(clip: number | null, math: ActivationMath = VECTOR_MATH): string {
  const T = math.type;
  if (clip === null) return `fn clip_gate(v: ${T}) -> ${T} { return v; }\n`;
  return `fn clip_gate(v: ${T}) -> ${T} { return ${clampExpr(math, 'v', clip)}; }\n`;
}
