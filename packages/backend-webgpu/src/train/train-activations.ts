import type { Activation } from '@deeprnn/core';
import { f32 } from '../wgsl-math.js';
import { derivativeFromOutput } from './activation-derivative.js';

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

function expr(a: Activation, x: string): string {
  const alpha = f32(a.alpha ?? 0);
  const beta = f32(a.beta ?? 0);
  switch (a.name) {
    case 'Tanh':
      return `t_tanh(${x})`;
    case 'Sigmoid':
      return `t_sigmoid(${x})`;
    case 'Relu':
      return `select(${x}, 0.0, ${x} < 0.0)`;
    case 'Affine':
      return `(${alpha} * ${x} + ${beta})`;
    case 'LeakyRelu':
      return `select(${x}, ${alpha} * ${x}, ${x} < 0.0)`;
    case 'ThresholdedRelu':
      return `select(${x}, 0.0, ${x} <= ${alpha})`;
    case 'ScaledTanh':
      return `(${alpha} * t_tanh(${beta} * ${x}))`;
    case 'HardSigmoid':
      return `select(select(${alpha} * ${x} + ${beta}, 1.0, ${alpha} * ${x} + ${beta} > 1.0), 0.0, ${alpha} * ${x} + ${beta} < 0.0)`;
    case 'Elu':
      // x unless x < 0: NaN stays NaN without going through exp.
      return `select(${x}, ${alpha} * (exp(${x}) - 1.0), ${x} < 0.0)`;
    case 'Softsign':
      return `(${x} / (1.0 + abs(${x})))`;
    case 'Softplus':
      return `t_softplus(${x})`;
  }
}

/** The scalar helpers every training activation uses (declare once per kernel). */
export const TRAIN_MATH: string = MATH;

/**
 * WGSL `<name>(x, dir)` and `d<name>(y, dir)`: one activation of each direction (reverse
 * activations apply to direction 1) and its slope written in the output. Needs {@link TRAIN_MATH}.
 */
export function activationPairWgsl(name: string, forward: Activation, reverse: Activation): string {
  return `
fn ${name}(x: f32, dir: u32) -> f32 {
  if (dir == 0u) { return ${expr(forward, 'x')}; }
  return ${expr(reverse, 'x')};
}
fn d${name}(y: f32, dir: u32) -> f32 {
  if (dir == 0u) { return ${derivativeFromOutput(forward, 'y')!}; }
  return ${derivativeFromOutput(reverse, 'y')!};
}`;
}
