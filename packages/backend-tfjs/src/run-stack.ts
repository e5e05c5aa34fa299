import { type RnnSpec, directionCount, dropoutMasks, outputSize, storedLayer } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Cell, CellState } from './cell.js';
import { gruCell } from './cell-gru.js';
import { lstmCell } from './cell-lstm.js';
import { rnnCell } from './cell-rnn.js';
import { at, unstackAt } from './list-access.js';
import type { OpPolicy } from './op-policy.js';
import { runDirection } from './run-direction.js';
import { stepMasks } from './step-masks.js';
import type { DirectionWeights, StackWeights } from './weights.js';

/** Time-major inputs of {@link runStack}. */
export interface StackInputs {
  /** The input split by time step: `xSteps[t]` is `[B, I]`. */
  readonly xSteps: readonly tf.Tensor[];
  /** `[L*D, B, Hout]`, or null for zeros. */
  readonly h0: tf.Tensor | null;
  /** `[L*D, B, H]` (LSTM), or null for zeros. */
  readonly c0: tf.Tensor | null;
  /** Valid steps per batch row, or null when every row has T. */
  readonly lengths: ArrayLike<number> | null;
  /** Dropout between layers (training only), or null. */
  readonly dropout: { readonly rate: number; readonly seed: number } | null;
  readonly policy: OpPolicy;
}

/** Time-major outputs of {@link runStack}. */
export interface StackOutputs {
  /** `[T, B, D*Hout]`. */
  readonly output: tf.Tensor;
  /** `[L*D, B, Hout]`. */
  readonly h: tf.Tensor;
  /** `[L*D, B, H]` for LSTM, else null. */
  readonly c: tf.Tensor | null;
  /**
   * The top layer's output by time step, as direction parts `[B, Hout]` (forward, then reverse):
   * what `output` stacks. A loss built on these skips the stack and its gradient (an unstack that on
   * wasm copies the whole sequence once per step).
   */
  readonly outputSteps: readonly (readonly tf.Tensor[])[];
}

/** The cell of one layer-direction, bound to its weights and activations. */
export function makeCell(spec: RnnSpec, w: DirectionWeights, isReverse: boolean, policy: OpPolicy): Cell {
  const activations = isReverse ? spec.reverseActivations : spec.activations;
  switch (spec.mode) {
    case 'rnn_tanh':
    case 'rnn_relu':
      return rnnCell(w, activations, spec.clip, policy);
    case 'gru':
      return gruCell(w, activations, spec.clip, spec.linearBeforeReset, policy);
    case 'lstm':
      return lstmCell(w, activations, spec, policy);
  }
}

function initialState(
  spec: RnnSpec,
  row: number,
  B: number,
  hRows: tf.Tensor[] | null,
  cRows: tf.Tensor[] | null,
): CellState {
  const h = hRows?.[row] ?? tf.zeros([B, outputSize(spec)]);
  if (spec.mode !== 'lstm') return { h, c: null };
  return { h, c: cRows?.[row] ?? tf.zeros([B, spec.hiddenSize]) };
}

/** One step's keep-mask for one direction, `[B, Hout]`: 1 / (1 - p) where kept, 0 where dropped. */
function stepKeep(
  keep: Uint8Array,
  t: number,
  d: number,
  B: number,
  D: number,
  Hout: number,
  scale: number,
): tf.Tensor {
  const data = new Float32Array(B * Hout);
  for (let b = 0; b < B; b++) {
    const src = (t * B + b) * D * Hout + d * Hout;
    for (let j = 0; j < Hout; j++) data[b * Hout + j] = keep[src + j] ? scale : 0;
  }
  return tf.tensor2d(data, [B, Hout]);
}

/**
 * The stacked RNN as tfjs ops, time-major and step by step: layer k+1 reads the per-step outputs
 * of layer k ([forward, reverse] parts) directly, so no `[T, ...]` tensor is sliced on the way;
 * one stack at the end builds the output. Tied layers reuse stored layer 1. Call inside tf.tidy
 * (or a gradient function): intermediates are not disposed here.
 *
 * @returns the top layer's output and the final states, ordered layer-major then direction.
 */
export function runStack(spec: RnnSpec, weights: StackWeights, inputs: StackInputs): StackOutputs {
  const T = inputs.xSteps.length;
  const B = at(inputs.xSteps, 0).shape[0] ?? 0;
  const D = directionCount(spec);
  const masks = stepMasks(inputs.lengths, T, B);
  const Hout = outputSize(spec);
  // Core's seeded masks (the reference's, bit for bit), so a training step agrees across backends.
  const drop = inputs.dropout;
  const keepMasks =
    drop && drop.rate > 0 ? dropoutMasks(spec, { training: true, dropoutSeed: drop.seed }, T * B * D * Hout) : null;
  const scale = drop ? 1 / (1 - drop.rate) : 1;
  const hRows = inputs.h0 ? unstackAt(inputs.h0) : null;
  const cRows = inputs.c0 ? unstackAt(inputs.c0) : null;
  const finals: CellState[] = [];
  let steps: tf.Tensor[][] = inputs.xSteps.map((x) => [x]);
  let dirOuts: tf.Tensor[][] = [];
  for (let layer = 0; layer < spec.numLayers; layer++) {
    dirOuts = [];
    for (let d = 0; d < D; d++) {
      const w = weights[storedLayer(spec, layer)]?.[d];
      if (w === undefined) throw new Error(`backend-tfjs: no weights for layer ${layer} direction ${d}`);
      const cell = makeCell(spec, w, d === 1, inputs.policy);
      const run = runDirection(cell, steps, initialState(spec, layer * D + d, B, hRows, cRows), d === 1, masks);
      finals.push(run.final);
      dirOuts.push(run.outputs);
    }
    const keep = keepMasks?.[layer] ?? null;
    steps = Array.from({ length: T }, (_, t) =>
      dirOuts.map((outs, d) => {
        const y = at(outs, t);
        return keep ? tf.mul(y, stepKeep(keep, t, d, B, D, Hout, scale)) : y;
      }),
    );
  }
  const stacked = dirOuts.map((outs) => tf.stack(outs));
  const output = stacked.length === 1 ? at(stacked, 0) : tf.concat(stacked, 2);
  const h = tf.stack(finals.map((s) => s.h));
  const c = spec.mode === 'lstm' ? tf.stack(finals.map((s) => s.c ?? tf.zeros([B, spec.hiddenSize]))) : null;
  return { output, h, c, outputSteps: steps };
}
