import type { Activation } from '@deeprnn/core';
import { type Cell, withState } from './cell.js';
import { gateOp } from './gate-op.js';
import type { OpPolicy } from './op-policy.js';
import type { DirectionWeights } from './weights.js';

/** The Elman cell of `rnn_tanh` / `rnn_relu`: h' = f(clip([x, h] · [W_ih; W_hh]^T + b_ih + b_hh)). */
export function rnnCell(
  w: DirectionWeights,
  activations: readonly Activation[],
  clip: number | null,
  policy: OpPolicy,
): Cell {
  const gate = gateOp(activations[0] ?? { name: 'Tanh' }, clip, policy);
  const weights = w.gates[0];
  if (weights === undefined) throw new Error('backend-tfjs: rnn cell without weights');
  return { step: (x, { h }) => ({ h: gate(withState(x, h), weights), c: null }) };
}
