import type { Activation } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type Cell, at } from './cell.js';
import type { DirectionWeights } from './weights.js';

/**
 * The Elman cell of `rnn_tanh` / `rnn_relu`: h' = f(clip(x W_ih^T + b + h W_hh^T)). Three ops per
 * step: the hidden product, the add of the precomputed input projection, the activation.
 */
export function rnnCell(w: DirectionWeights, activations: readonly Activation[], clip: number | null): Cell {
  const f = activationOp(activations[0] ?? { name: 'Tanh' });
  const cl = clipOp(clip);
  return {
    splitInputs: (xProj) => tf.unstack(xProj).map((t) => [t]),
    step: (x, { h }) => ({ h: f(cl(tf.add(at(x, 0), tf.matMul(h, w.whh)))), c: null }),
  };
}
