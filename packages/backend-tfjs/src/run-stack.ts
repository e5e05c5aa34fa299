import { type RnnSpec, directionCount, gateCount, outputSize, storedLayer } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { type Cell, type CellState, at } from './cell.js';
import { gruCell } from './cell-gru.js';
import { lstmCell } from './cell-lstm.js';
import { rnnCell } from './cell-rnn.js';
import { runDirection } from './run-direction.js';
import { stepMasks } from './step-masks.js';
import type { DirectionWeights, StackWeights } from './weights.js';

/** Time-major inputs of {@link runStack}. */
export interface StackInputs {
  /** `[T, B, I]`. */
  readonly x: tf.Tensor;
  /** `[L*D, B, Hout]`, or null for zeros. */
  readonly h0: tf.Tensor | null;
  /** `[L*D, B, H]` (LSTM), or null for zeros. */
  readonly c0: tf.Tensor | null;
  /** Valid steps per batch row, or null when every row has T. */
  readonly lengths: ArrayLike<number> | null;
  /** Dropout between layers (training only), or null. */
  readonly dropout: { readonly rate: number; readonly seed: number } | null;
}

/** Time-major outputs of {@link runStack}. */
export interface StackOutputs {
  /** `[T, B, D*Hout]`. */
  readonly output: tf.Tensor;
  /** `[L*D, B, Hout]`. */
  readonly h: tf.Tensor;
  /** `[L*D, B, H]` for LSTM, else null. */
  readonly c: tf.Tensor | null;
}

function makeCell(spec: RnnSpec, w: DirectionWeights, isReverse: boolean): Cell {
  const activations = isReverse ? spec.reverseActivations : spec.activations;
  switch (spec.mode) {
    case 'rnn_tanh':
    case 'rnn_relu':
      return rnnCell(w, activations, spec.clip);
    case 'gru':
      return gruCell(w, activations, spec.clip, spec.hiddenSize, spec.linearBeforeReset);
    case 'lstm':
      return lstmCell(w, activations, spec);
  }
}

function initialState(spec: RnnSpec, row: number, B: number, hRows: tf.Tensor[] | null, cRows: tf.Tensor[] | null): CellState {
  const h = hRows?.[row] ?? tf.zeros([B, outputSize(spec)]);
  if (spec.mode !== 'lstm') return { h, c: null };
  return { h, c: cRows?.[row] ?? tf.zeros([B, spec.hiddenSize]) };
}

/**
 * The stacked RNN as tfjs ops, time-major: per layer one input-projection product over all steps
 * (fused with its bias), then the recurrence; bidirectional layers concatenate [forward | reverse].
 * Tied layers reuse stored layer 1. Call inside tf.tidy (or tf.grads): intermediates are not disposed.
 *
 * @returns the top layer's output and the final states, ordered layer-major then direction.
 */
export function runStack(spec: RnnSpec, weights: StackWeights, inputs: StackInputs): StackOutputs {
  const [T = 0, B = 0] = inputs.x.shape;
  const D = directionCount(spec);
  const G = gateCount(spec.mode);
  const masks = stepMasks(inputs.lengths, T, B);
  const hRows = inputs.h0 ? (tf.unstack(inputs.h0)) : null;
  const cRows = inputs.c0 ? (tf.unstack(inputs.c0)) : null;
  const finals: CellState[] = [];
  let layerIn: tf.Tensor = inputs.x;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const features = layerIn.shape[2] ?? 0;
    const flat = tf.reshape(layerIn, [T * B, features]);
    const outs: tf.Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const w = weights[storedLayer(spec, layer)]?.[d];
      if (w === undefined) throw new Error(`backend-tfjs: no weights for layer ${layer} direction ${d}`);
      const proj = w.bih ? tf.fused.matMul({ a: flat, b: w.wih, bias: w.bih }) : tf.matMul(flat, w.wih);
      const cell = makeCell(spec, w, d === 1);
      const steps = cell.splitInputs(tf.reshape(proj, [T, B, G * spec.hiddenSize]));
      const run = runDirection(cell, steps, initialState(spec, layer * D + d, B, hRows, cRows), d === 1, masks);
      finals.push(run.final);
      outs.push(tf.stack(run.outputs));
    }
    let out = D === 1 ? at(outs, 0) : tf.concat(outs, 2);
    if (inputs.dropout && inputs.dropout.rate > 0 && layer < spec.numLayers - 1) {
      out = tf.dropout(out, inputs.dropout.rate, undefined, inputs.dropout.seed + layer);
    }
    layerIn = out;
  }
  const h = tf.stack(finals.map((s) => s.h));
  const c = spec.mode === 'lstm' ? tf.stack(finals.map((s) => s.c ?? tf.zeros([B, spec.hiddenSize]))) : null;
  return { output: layerIn, h, c };
}
