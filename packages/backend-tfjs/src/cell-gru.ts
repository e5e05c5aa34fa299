import type { Activation } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type Cell, withState } from './cell.js';
import { gateOp, product } from './gate-op.js';
import type { OpPolicy } from './op-policy.js';
import type { DirectionWeights, GateWeights } from './weights.js';

function need<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined) throw new Error(`backend-tfjs: GRU weights lack ${what}`);
  return v;
}

/**
 * The GRU cell (PyTorch gate order r, z, n). With `linearBeforeReset` (PyTorch):
 * n = g(x W_in^T + b_in + r * (h W_hn^T + b_hn)); without (ONNX default):
 * n = g(x W_in^T + (r * h) W_hn^T + b_in + b_hn). Then h' = n + z * (h - n), the form of
 * PyTorch's kernel for (1 - z) * n + z * h.
 */
export function gruCell(
  w: DirectionWeights,
  activations: readonly Activation[],
  clip: number | null,
  linearBeforeReset: boolean,
  policy: OpPolicy,
): Cell {
  const f = gateOp(activations[0] ?? { name: 'Sigmoid' }, clip, policy);
  const g = activationOp(activations[1] ?? { name: 'Tanh' }, policy);
  const cl = clipOp(clip);
  const [wr, wz] = [need(w.gates[0], 'r'), need(w.gates[1], 'z')];
  const xn: GateWeights = need(w.xn, 'W_in');
  const hn: GateWeights = need(w.hn, 'W_hn');
  return {
    step: (x, { h }) => {
      const xh = withState(x, h);
      const r = f(xh, wr);
      const z = f(xh, wz);
      const xin = x.length === 1 ? (x[0] as tf.Tensor) : tf.concat([...x], 1);
      const hPart = linearBeforeReset ? tf.mul(r, product(h, hn)) : product(tf.mul(r, h), hn);
      const n = g(cl(tf.add(product(xin, xn), hPart)));
      return { h: tf.add(n, tf.mul(z, tf.sub(h, n))), c: null };
    },
  };
}
