import type { Activation } from '@deeprnn/core';
import { type ActivationMath, clipFunction, f32 } from '../kernels/wgsl-math.js';
import { activationFunction, derivativeFromOutput } from '../kernels/activation-table.js';

/**
 * The training kernels' own activation code (scalar f32, independent of the forward kernels' vector
 * variants): tanh and sigmoid from exp(-|x|), which never overflows; comparisons as `select`.
 */
const MATH = /* wgsl */ `
fn t_tanh(x: f32) -> f32 {
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
fn t_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let s = 1.0 / (1.0 + e);
  return select(e * s, s, x >= 0.0);
}
fn t_softplus(x: f32) -> f32 {
  // max(x, 0) keeps x unless x < 0: NaN propagates whatever exp(NaN) gives (SwiftShader's is +Inf).
  return select(x, 0.0, x < 0.0) + log(1.0 + exp(-abs(x)));
}
`;

/** The training kernels' math for the one activation table (activation-table.ts): scalar f32, {@link TRAIN_MATH}. */
export const SCALAR_MATH: ActivationMath = Object.freeze({
  type: 'f32',
  tanh: 't_tanh',
  sigmoid: 't_sigmoid',
  softplus: 't_softplus',
  hardSigmoid: null,
});

/** The scalar helpers every training activation uses (declare once per kernel). */
export const TRAIN_MATH: string = MATH;

/**
 * WGSL `<name>(x, dir)` and `d<name>(y, dir)`: one activation of each direction (reverse
 * activations apply to direction 1; the one table, activation-table.ts) and its slope written in the
 * output. Needs {@link TRAIN_MATH}.
 */
export function activationPairWgsl(name: string, forward: Activation, reverse: Activation): string {
  return `
${activationFunction(name, forward, reverse, SCALAR_MATH)}fn d${name}(y: f32, dir: u32) -> f32 {
  if (dir == 0u) { return ${derivativeFromOutput(forward, 'y')!}; }
  return ${derivativeFromOutput(reverse, 'y')!};
}`;
}

/**
 * WGSL `clip_gate(v)` (ONNX `clip` on a gate's pre-activation, or the identity; the one clamp,
 * wgsl-math.ts) and its slope `in_clip(v)`: 1 where the clamp lets the gradient through
 * (-clip <= v <= clip, as PyTorch's clamp; NaN passes none), else 0.
 */
export function clipWgsl(clip: number | null): string {
  if (clip === null) return clipFunction(null, SCALAR_MATH);
  return `${clipFunction(clip, SCALAR_MATH)}fn in_clip(v: f32) -> f32 { return select(0.0, 1.0, abs(v) <= ${f32(clip)}); }
`;
}
