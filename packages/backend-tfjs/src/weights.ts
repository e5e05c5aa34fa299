import {
  type Activation,
  type ParamSource,
  type RnnSpec,
  directionCount,
  gateCount,
  paramKey,
  storedLayerCount,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { BatchedWeightGradient } from './linear-op.js';
import { at, splitAt } from './list-access.js';
import type { OpPolicy } from './op-policy.js';

/** One gate's product: `[x_t, h] · w + b`, w `[I_l + Hout, H]` (input rows first), b `[H]` or null. */
export interface GateWeights {
  readonly w: tf.Tensor;
  readonly b: tf.Tensor | null;
  /**
   * w and b hold 2W and 2b, so that tanh(z) = 2 sigmoid(2z) - 1 runs as one product with a fused
   * sigmoid (see {@link OpPolicy}); set only for tanh gates without clip or peephole terms.
   */
  readonly isTanhFolded: boolean;
  /** Set only in weights prepared for training: what the hand-written product gradient needs. */
  readonly training: GateTraining | null;
}

/** The gradient helpers of one gate's product (see `linearWithGrad`). */
export interface GateTraining {
  /**
   * w transposed, built outside the gradient tape by {@link transposeWeights}: a tensor made inside
   * the taped function is gone when the gradient runs, and a saved copy would be repacked by XNNPACK
   * on every use.
   */
  readonly wT: tf.Tensor;
  /** Sums the weight and bias gradients over every step at once. */
  readonly batch: BatchedWeightGradient;
}

/** The transposed gate weights of one direction, in {@link DirectionWeights} order. */
export interface DirectionTransposes {
  readonly gates: readonly tf.Tensor[];
  readonly xn: tf.Tensor | null;
  readonly hn: tf.Tensor | null;
}

/** Transposed gate weights by stored layer, then direction (see {@link transposeWeights}). */
export type StackTransposes = readonly (readonly DirectionTransposes[])[];

/**
 * One direction of one stored layer, rearranged for the recurrence. Each gate has its own product
 * over the concatenated step input and state, so no per-step slicing is needed (on wasm every
 * slice copies its whole source, which costs more than the extra product launches save).
 */
export interface DirectionWeights {
  /** rnn: [act]; gru: [r, z]; lstm: [i, f, g, o] (PyTorch order). Bias b_ih + b_hh. */
  readonly gates: readonly GateWeights[];
  /** GRU: W_in^T `[I_l, H]` with b_in (plus b_hn without linearBeforeReset). */
  readonly xn: GateWeights | null;
  /** GRU: W_hn^T `[Hout, H]` with b_hn (linearBeforeReset) or no bias. */
  readonly hn: GateWeights | null;
  /** LSTM projection W_hr^T `[H, P]`. */
  readonly whr: tf.Tensor | null;
  /** LSTM peepholes P_i, P_f, P_o, each `[H]`. */
  readonly peep: readonly [tf.Tensor, tf.Tensor, tf.Tensor] | null;
}

/** Prepared weights by stored layer, then direction. */
export type StackWeights = readonly (readonly DirectionWeights[])[];

/** Raw parameters as tfjs tensors, by PyTorch name. */
export type TfParams = Readonly<Record<string, tf.Tensor>>;

/** Which activation each gate's product feeds: rnn [f]; gru r, z -> f; lstm i, f, g, o -> f, f, g, f. */
function gateActivation(spec: RnnSpec, isReverse: boolean, k: number): Activation | undefined {
  const acts = isReverse ? spec.reverseActivations : spec.activations;
  return spec.mode === 'lstm' && k === 2 ? acts[1] : acts[0];
}

function prepareDirection(
  spec: RnnSpec,
  params: TfParams,
  layer: number,
  isReverse: boolean,
  policy: OpPolicy,
  transposes: DirectionTransposes | null,
): DirectionWeights {
  const withT = (g: Omit<GateWeights, 'training'>, wT: tf.Tensor | null | undefined): GateWeights => ({
    ...g,
    training: wT ? { wT, batch: new BatchedWeightGradient(g.w, g.b) } : null,
  });
  const H = spec.hiddenSize;
  const G = gateCount(spec.mode);
  const get = (kind: 'weight' | 'bias', source: ParamSource): tf.Tensor => {
    const t = params[paramKey(kind, source, layer, isReverse)];
    // validateParams ran at the boundary, so a miss here is a bug in this package.
    if (t === undefined) throw new Error(`backend-tfjs: ${paramKey(kind, source, layer, isReverse)} missing`);
    return t;
  };
  const rows = (t: tf.Tensor): tf.Tensor[] => splitAt(t, new Array<number>(G).fill(H), 0);
  const wih = rows(get('weight', 'ih'));
  const whh = rows(get('weight', 'hh'));
  const bih = spec.bias ? rows(get('bias', 'ih')) : null;
  const bhh = spec.bias ? rows(get('bias', 'hh')) : null;
  const gate = (k: number): GateWeights => {
    const w = tf.concat([tf.transpose(at(wih, k)), tf.transpose(at(whh, k))], 0);
    const b = bih && bhh ? tf.add(at(bih, k), at(bhh, k)) : null;
    const hasExtra = spec.peepholes && k !== 2;
    const isTanhFolded =
      policy.isTanhViaSigmoid && spec.clip === null && !hasExtra && gateActivation(spec, isReverse, k)?.name === 'Tanh';
    const wT = transposes?.gates[k];
    if (!isTanhFolded) return withT({ w, b, isTanhFolded }, wT);
    return withT({ w: tf.mul(w, 2), b: b === null ? null : tf.mul(b, 2), isTanhFolded }, wT);
  };
  const isGru = spec.mode === 'gru';
  const gates = isGru ? [gate(0), gate(1)] : Array.from({ length: G }, (_, k) => gate(k));
  let xn: GateWeights | null = null;
  let hn: GateWeights | null = null;
  if (isGru) {
    const bIn = bih ? at(bih, 2) : null;
    const bHn = bhh ? at(bhh, 2) : null;
    const lbr = spec.linearBeforeReset;
    xn = withT(
      { w: tf.transpose(at(wih, 2)), b: bIn && bHn && !lbr ? tf.add(bIn, bHn) : bIn, isTanhFolded: false },
      transposes?.xn,
    );
    hn = withT({ w: tf.transpose(at(whh, 2)), b: lbr ? bHn : null, isTanhFolded: false }, transposes?.hn);
  }
  const whr = spec.projSize > 0 ? tf.transpose(get('weight', 'hr')) : null;
  let peep: DirectionWeights['peep'] = null;
  if (spec.peepholes) {
    const p = splitAt(get('weight', 'ph'), [H, H, H], 0);
    peep = [at(p, 0), at(p, 1), at(p, 2)];
  }
  return { gates, xn, hn, whr, peep };
}

/**
 * Builds the prepared weights of every stored layer and direction from PyTorch-named tensors. Pure
 * tfjs ops, so gradients flow back to `params` when it runs under `tf.grads` or `tf.variableGrads`.
 *
 * @param spec - the model.
 * @param params - raw parameters by PyTorch name (already validated against `spec`).
 * @param policy - the engine's op choices (tanh gates are folded for a fused sigmoid on wasm).
 * @param transposes - for training: the gates' transposed weights from {@link transposeWeights}
 *   (same params), which the fast product gradient reads.
 * @returns prepared weights; the caller owns (and disposes, or tidies) the new tensors.
 */
export function prepareWeights(
  spec: RnnSpec,
  params: TfParams,
  policy: OpPolicy,
  transposes: StackTransposes | null = null,
): StackWeights {
  const layers: DirectionWeights[][] = [];
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    const dirs: DirectionWeights[] = [];
    for (let d = 0; d < directionCount(spec); d++) {
      dirs.push(prepareDirection(spec, params, layer, d === 1, policy, transposes?.[layer]?.[d] ?? null));
    }
    layers.push(dirs);
  }
  return layers;
}

/**
 * The transposed gate weights that {@link prepareWeights} needs for training, built from the current
 * parameter values. Call it outside the gradient function (the tape would free them before the
 * backward pass); the returned tensors are kept (`tf.keep`): free them with
 * {@link disposeTransposes} after the gradient has run.
 */
export function transposeWeights(spec: RnnSpec, params: TfParams, policy: OpPolicy): StackTransposes {
  let out: StackTransposes = [];
  tf.tidy(() => {
    const keepT = (t: tf.Tensor): tf.Tensor => tf.keep(tf.transpose(t));
    out = prepareWeights(spec, params, policy).map((dirs) =>
      dirs.map((w) => ({
        gates: w.gates.map((g) => keepT(g.w)),
        xn: w.xn ? keepT(w.xn.w) : null,
        hn: w.hn ? keepT(w.hn.w) : null,
      })),
    );
  });
  return out;
}

/** Frees what {@link transposeWeights} returned. */
export function disposeTransposes(transposes: StackTransposes): void {
  for (const dirs of transposes)
    for (const t of dirs) tf.dispose([...t.gates, ...(t.xn ? [t.xn] : []), ...(t.hn ? [t.hn] : [])]);
}

/** Every tensor held by prepared weights (to keep them out of tf.tidy, or to dispose them). */
export function weightTensors(weights: StackWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const dirs of weights) {
    for (const w of dirs) {
      for (const g of [...w.gates, w.xn, w.hn]) {
        if (g) out.push(...[g.w, g.b, g.training?.wT ?? null].filter((t): t is tf.Tensor => t !== null));
      }
      if (w.whr) out.push(w.whr);
      if (w.peep) out.push(...w.peep);
    }
  }
  return out;
}
