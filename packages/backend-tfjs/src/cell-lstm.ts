import type { Activation, RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { activationOp, clipOp } from './activation-ops.js';
import { type Cell, withState } from './cell.js';
import { gateOp, product } from './gate-op.js';
import type { OpPolicy } from './op-policy.js';
import type { DirectionWeights, GateWeights } from './weights.js';

/**
 * The LSTM cell (PyTorch gate order i, f, g, o). Peepholes add P_i * c and P_f * c (previous cell)
 * to i and f and P_o * c' (new cell) to o; `inputForget` sets f = 1 - i, evaluated for a sigmoid
 * as σ(-z_i) so that f stays positive where σ(z_i) rounds to 1 (an infinite cell state then gives
 * ±inf, not 0 * inf = NaN, as in the reference); a projection maps h' = (o * h(c')) W_hr^T.
 */
export function lstmCell(
  w: DirectionWeights,
  activations: readonly Activation[],
  spec: RnnSpec,
  policy: OpPolicy,
): Cell {
  const fActivation = activations[0] ?? { name: 'Sigmoid' };
  const f = gateOp(fActivation, spec.clip, policy);
  const sigmoidCoupled = spec.inputForget && fActivation.name === 'Sigmoid';
  const fAct = activationOp(fActivation, policy);
  const clip = clipOp(spec.clip);
  const g = gateOp(activations[1] ?? { name: 'Tanh' }, spec.clip, policy);
  const hAct = activationOp(activations[2] ?? { name: 'Tanh' }, policy);
  const gates = w.gates;
  const gw = (k: number): GateWeights => {
    const t = gates[k];
    if (t === undefined) throw new Error(`backend-tfjs: LSTM gate ${k} missing`);
    return t;
  };
  const [wi, wf, wg, wo] = [gw(0), gw(1), gw(2), gw(3)];
  const peep = w.peep;
  return {
    step: (x, { h, c }) => {
      if (c === null) throw new Error('backend-tfjs: LSTM step without a cell state');
      const xh = withState(x, h);
      let i: tf.Tensor;
      let fg: tf.Tensor;
      if (sigmoidCoupled) {
        const zi = clip(peep ? tf.add(product(xh, wi), tf.mul(peep[0], c)) : product(xh, wi));
        i = fAct(zi);
        fg = fAct(tf.neg(zi));
      } else {
        i = f(xh, wi, peep ? tf.mul(peep[0], c) : undefined);
        fg = spec.inputForget ? tf.sub(1, i) : f(xh, wf, peep ? tf.mul(peep[1], c) : undefined);
      }
      const c2 = tf.add(tf.mul(fg, c), tf.mul(i, g(xh, wg)));
      const o = f(xh, wo, peep ? tf.mul(peep[2], c2) : undefined);
      const hc = tf.mul(o, hAct(c2));
      return { h: w.whr ? tf.matMul(hc, w.whr) : hc, c: c2 };
    },
  };
}
