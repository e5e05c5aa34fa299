import { type Tensor, tensor } from '@deeprnn/core';
import type { LmParams } from './lm-model.js';

/** The optimizers training offers. */
export type OptimizerName = 'sgd' | 'adam';

/** Gradients by parameter name, float32, shaped like the parameters. */
export type LmGrads = Record<string, Float32Array>;

/** An optimizer's hyper-parameters. */
export interface OptimizerOptions {
  readonly name: OptimizerName;
  readonly lr: number;
  /** Adam: default 0.9, 0.999, 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** An optimizer's state: its step count and, for Adam, the moments (saved in checkpoints). */
export interface OptimizerState {
  readonly step: number;
  readonly moments: Readonly<Record<string, Tensor<'float32'>>>;
}

/**
 * Scales all gradients together so their global L2 norm is at most `theta` (d2l's `grad_clipping`).
 *
 * @returns the norm before clipping.
 */
export function clipGradNorm(grads: LmGrads, theta: number): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (norm > theta) {
    const s = theta / norm;
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] = g[i]! * s;
  }
  return norm;
}

/**
 * One optimizer update: returns new parameters (the old ones are left untouched) and the new state.
 * SGD: p -= lr g (d2l's `sgd` with batch_size 1, the loss being a mean already). Adam: Kingma & Ba
 * with bias correction, as `torch.optim.Adam`.
 */
export function optimizerStep(options: OptimizerOptions, params: LmParams, grads: LmGrads, state: OptimizerState): { params: LmParams; state: OptimizerState } {
  const step = state.step + 1;
  const out: Record<string, Tensor<'float32'>> = {};
  const moments: Record<string, Tensor<'float32'>> = { ...state.moments };
  const { lr } = options;
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  for (const [name, p] of Object.entries(params)) {
    const g = grads[name];
    const next = p.data.slice();
    if (g) {
      if (options.name === 'sgd') {
        for (let i = 0; i < next.length; i++) next[i] = next[i]! - lr * g[i]!;
      } else {
        const m = moments[`m.${name}`]?.data.slice() ?? new Float32Array(next.length);
        const v = moments[`v.${name}`]?.data.slice() ?? new Float32Array(next.length);
        const c1 = 1 - b1 ** step;
        const c2 = 1 - b2 ** step;
        for (let i = 0; i < next.length; i++) {
          m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
          v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
          next[i] = next[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
        }
        moments[`m.${name}`] = tensor(m, p.shape);
        moments[`v.${name}`] = tensor(v, p.shape);
      }
    }
    out[name] = tensor(next, p.shape);
  }
  return { params: Object.freeze(out), state: { step, moments: Object.freeze(moments) } };
}

/** The state of a fresh optimizer. */
export function initialOptimizerState(): OptimizerState {
  return { step: 0, moments: Object.freeze({}) };
}
