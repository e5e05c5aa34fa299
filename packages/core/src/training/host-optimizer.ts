import type { FloatArray } from '../reference/matmul.js';
import type { OptimizerOptions } from '../trainer.js';

/**
 * Scales every gradient together so their global L2 norm is at most `theta` (d2l's `grad_clipping`,
 * `torch.nn.utils.clip_grad_norm_`); null turns clipping off. The sum runs in float64 in the order
 * given.
 *
 * @returns the norm before clipping.
 */
export function clipGlobalNorm(grads: readonly FloatArray[], theta: number | null): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (theta !== null && norm > theta) {
    const s = theta / norm;
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * s;
  }
  return norm;
}

/** Adam's moments of one parameter, updated in place. */
export interface AdamMoments {
  /** First moment (running mean of the gradient), one per parameter element. */
  readonly m: FloatArray;
  /** Second moment (running mean of the squared gradient), one per parameter element. */
  readonly v: FloatArray;
}

/**
 * One optimizer update of one parameter, in place: SGD p -= lr g; Adam with bias correction, as
 * `torch.optim.Adam` (`step` is the 1-based number of this update). Every backend's trainer is
 * judged against these numbers.
 */
export function updateParameter(
  o: OptimizerOptions,
  step: number,
  p: FloatArray,
  g: FloatArray,
  moments: AdamMoments | null,
): void {
  const { lr } = o;
  if (o.name === 'sgd' || moments === null) {
    for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * g[i]!;
    return;
  }
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const c1 = 1 - b1 ** step;
  const c2 = 1 - b2 ** step;
  const { m, v } = moments;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
    p[i] = p[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
  }
}
