import { type RnnSpec, directionCount, paramKey, storedLayerCount } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { at, splitAt } from './cell.js';

/**
 * One direction of one stored layer, rearranged for the recurrence: weights transposed once so every
 * product is `rows x W` without a per-step transpose, and biases folded into the input projection
 * wherever the equations allow it.
 */
export interface DirectionWeights {
  /** W_ih^T `[I_l, G*H]`, gate columns in the cell's order (LSTM `i, f, o, g`; GRU `r, z, n`). */
  readonly wih: tf.Tensor;
  /** Bias added to the input projection (b_ih plus every b_hh term outside a reset gate), or null. */
  readonly bih: tf.Tensor | null;
  /** W_hh^T `[Hout, G*H]`; for GRU without linearBeforeReset only the r, z columns `[Hout, 2H]`. */
  readonly whh: tf.Tensor;
  /** Bias kept in the per-step hidden product (GRU with linearBeforeReset: `[0, 0, b_hn]`), or null. */
  readonly bhh: tf.Tensor | null;
  /** GRU without linearBeforeReset: W_hn^T `[Hout, H]`, applied to r * h. */
  readonly whn: tf.Tensor | null;
  /** LSTM projection W_hr^T `[H, P]`. */
  readonly whr: tf.Tensor | null;
  /** LSTM peepholes P_i, P_f, P_o, each `[H]`. */
  readonly peep: readonly [tf.Tensor, tf.Tensor, tf.Tensor] | null;
}

/** Prepared weights by stored layer, then direction. */
export type StackWeights = readonly (readonly DirectionWeights[])[];

/** Raw parameters as tfjs tensors, by PyTorch name. */
export type TfParams = Readonly<Record<string, tf.Tensor>>;

function need(params: TfParams, name: string): tf.Tensor {
  const t = params[name];
  // validateParams ran at the boundary, so a miss here is a bug in this package.
  if (t === undefined) throw new Error(`backend-tfjs: parameter ${name} missing after validation`);
  return t;
}

/** LSTM rows i, f, g, o (PyTorch) become i, f, o, g, so the three sigmoid gates are contiguous. */
function lstmOrder(t: tf.Tensor, H: number): tf.Tensor {
  const p = splitAt(t, [H, H, H, H], 0);
  return tf.concat([at(p, 0), at(p, 1), at(p, 3), at(p, 2)], 0);
}

function prepareDirection(spec: RnnSpec, params: TfParams, layer: number, reverse: boolean): DirectionWeights {
  const H = spec.hiddenSize;
  const key = (kind: 'weight' | 'bias', source: 'ih' | 'hh' | 'hr' | 'ph'): string => paramKey(kind, source, layer, reverse);
  let wih = need(params, key('weight', 'ih'));
  let whh = need(params, key('weight', 'hh'));
  const bi = spec.bias ? need(params, key('bias', 'ih')) : null;
  const bh = spec.bias ? need(params, key('bias', 'hh')) : null;
  let bih: tf.Tensor | null = null;
  let bhh: tf.Tensor | null = null;
  let whn: tf.Tensor | null = null;
  if (spec.mode === 'lstm') {
    wih = lstmOrder(wih, H);
    whh = lstmOrder(whh, H);
    if (bi && bh) bih = lstmOrder(tf.add(bi, bh), H);
  } else if (spec.mode === 'gru' && spec.linearBeforeReset) {
    if (bi && bh) {
      const p = splitAt(bh, [H, H, H], 0);
      const zero = tf.zeros([H]);
      bih = tf.add(bi, tf.concat([at(p, 0), at(p, 1), zero]));
      bhh = tf.concat([zero, zero, at(p, 2)]);
    }
  } else if (spec.mode === 'gru') {
    const p = splitAt(whh, [2 * H, H], 0);
    whh = at(p, 0);
    whn = tf.transpose(at(p, 1));
    if (bi && bh) bih = tf.add(bi, bh);
  } else if (bi && bh) {
    bih = tf.add(bi, bh);
  }
  const whr = spec.projSize > 0 ? tf.transpose(need(params, key('weight', 'hr'))) : null;
  let peep: DirectionWeights['peep'] = null;
  if (spec.peepholes) {
    const p = splitAt(need(params, key('weight', 'ph')), [H, H, H], 0);
    peep = [at(p, 0), at(p, 1), at(p, 2)];
  }
  return { wih: tf.transpose(wih), bih, whh: tf.transpose(whh), bhh, whn, whr, peep };
}

/**
 * Builds the prepared weights of every stored layer and direction from PyTorch-named tensors. Pure
 * tfjs ops, so gradients flow back to `params` when it runs under `tf.grads` or `tf.variableGrads`.
 *
 * @param spec - the model.
 * @param params - raw parameters by PyTorch name (already validated against `spec`).
 * @returns prepared weights; the caller owns (and disposes, or tidies) the new tensors.
 */
export function prepareWeights(spec: RnnSpec, params: TfParams): StackWeights {
  const layers: DirectionWeights[][] = [];
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    const dirs: DirectionWeights[] = [];
    for (let d = 0; d < directionCount(spec); d++) dirs.push(prepareDirection(spec, params, layer, d === 1));
    layers.push(dirs);
  }
  return layers;
}

/** Every tensor held by prepared weights (to keep them out of tf.tidy, or to dispose them). */
export function weightTensors(weights: StackWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const dirs of weights) {
    for (const w of dirs) {
      for (const t of [w.wih, w.bih, w.whh, w.bhh, w.whn, w.whr, ...(w.peep ?? [])]) if (t) out.push(t);
    }
  }
  return out;
}
