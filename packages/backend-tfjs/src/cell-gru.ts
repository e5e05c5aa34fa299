import type { Activation } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type Cell, at, splitAt } from './cell.js';
import type { DirectionWeights } from './weights.js';

/**
 * The GRU cell (gate order r, z, n). With `linearBeforeReset` (PyTorch):
 * n = g(x_n + r * (h W_hn^T + b_hn)); without (ONNX default): n = g(x_n + (r * h) W_hn^T + b_hn).
 * h' = n + z * (h - n), which is (1 - z) * n + z * h as PyTorch's kernel computes it.
 */
export function gruCell(
  w: DirectionWeights,
  activations: readonly Activation[],
  clip: number | null,
  hiddenSize: number,
  linearBeforeReset: boolean,
): Cell {
  const H = hiddenSize;
  const f = activationOp(activations[0] ?? { name: 'Sigmoid' });
  const g = activationOp(activations[1] ?? { name: 'Tanh' });
  const cl = clipOp(clip);
  const splitInputs = (xProj: tf.Tensor): tf.Tensor[][] => {
    const parts = splitAt(xProj, [2 * H, H], 2);
    const rzSteps = tf.unstack(at(parts, 0));
    const nSteps = tf.unstack(at(parts, 1));
    return rzSteps.map((t, i) => [t, at(nSteps, i)]);
  };
  const update = (n: tf.Tensor, z: tf.Tensor, h: tf.Tensor): tf.Tensor => tf.add(n, tf.mul(z, tf.sub(h, n)));
  if (linearBeforeReset) {
    return {
      splitInputs,
      step: (x, { h }) => {
        const hp = w.bhh ? tf.fused.matMul({ a: h, b: w.whh, bias: w.bhh }) : tf.matMul(h, w.whh);
        const hParts = splitAt(hp, [2 * H, H], 1);
        const rz = splitAt(f(cl(tf.add(at(x, 0), at(hParts, 0)))), [H, H], 1);
        const n = g(cl(tf.add(at(x, 1), tf.mul(at(rz, 0), at(hParts, 1)))));
        return { h: update(n, at(rz, 1), h), c: null };
      },
    };
  }
  const whn = w.whn;
  if (whn === null) throw new Error('backend-tfjs: GRU without linearBeforeReset needs W_hn');
  return {
    splitInputs,
    step: (x, { h }) => {
      const rz = splitAt(f(cl(tf.add(at(x, 0), tf.matMul(h, w.whh)))), [H, H], 1);
      const n = g(cl(tf.add(at(x, 1), tf.matMul(tf.mul(at(rz, 0), h), whn))));
      return { h: update(n, at(rz, 1), h), c: null };
    },
  };
}
