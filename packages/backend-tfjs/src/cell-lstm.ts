import type { Activation, RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type Cell, type CellState, at, splitAt } from './cell.js';
import type { DirectionWeights } from './weights.js';

/**
 * The LSTM cell, gate columns reordered to i, f, o, g when the weights were prepared. Without
 * peepholes the three f-activated gates are activated in one op. Peepholes add P_i * c and
 * P_f * c (previous cell) to i and f, and P_o * c' (new cell) to o; `inputForget` sets f = 1 - i;
 * a projection maps h' = (o * h(c')) W_hr^T.
 */
export function lstmCell(w: DirectionWeights, activations: readonly Activation[], spec: RnnSpec): Cell {
  const H = spec.hiddenSize;
  const f = activationOp(activations[0] ?? { name: 'Sigmoid' });
  const g = activationOp(activations[1] ?? { name: 'Tanh' });
  const hAct = activationOp(activations[2] ?? { name: 'Tanh' });
  const cl = clipOp(spec.clip);
  const coupled = spec.inputForget;
  const finish = (i: tf.Tensor, fg: tf.Tensor, gg: tf.Tensor, c: tf.Tensor): tf.Tensor =>
    tf.add(tf.mul(coupled ? tf.sub(1, i) : fg, c), tf.mul(i, gg));
  const output = (o: tf.Tensor, c2: tf.Tensor): tf.Tensor => {
    const h = tf.mul(o, hAct(c2));
    return w.whr ? tf.matMul(h, w.whr) : h;
  };
  const peep = w.peep;
  const step = (x: readonly tf.Tensor[], { h, c }: CellState): CellState => {
    if (c === null) throw new Error('backend-tfjs: LSTM step without a cell state');
    const z = tf.add(at(x, 0), tf.matMul(h, w.whh));
    if (peep === null) {
      const zs = splitAt(z, [3 * H, H], 1);
      const ifo = splitAt(f(cl(at(zs, 0))), [H, H, H], 1);
      const c2 = finish(at(ifo, 0), at(ifo, 1), g(cl(at(zs, 1))), c);
      return { h: output(at(ifo, 2), c2), c: c2 };
    }
    const zs = splitAt(z, [H, H, H, H], 1);
    const i = f(cl(tf.add(at(zs, 0), tf.mul(peep[0], c))));
    const fg = coupled ? i : f(cl(tf.add(at(zs, 1), tf.mul(peep[1], c))));
    const c2 = finish(i, fg, g(cl(at(zs, 3))), c);
    const o = f(cl(tf.add(at(zs, 2), tf.mul(peep[2], c2))));
    return { h: output(o, c2), c: c2 };
  };
  return { splitInputs: (xProj) => tf.unstack(xProj).map((t) => [t]), step };
}
