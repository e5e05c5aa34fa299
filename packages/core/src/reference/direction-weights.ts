import type { Activation } from '../activation.js';
import { type RnnSpec, directionCount, gateCount, layerInputSize, outputSize, storedLayerCount } from '../config.js';
import { type RnnParams, paramKey } from '../params.js';
import type { DType, Tensor } from '../tensor.js';
import { type FloatArray, transpose } from './matmul.js';

/**
 * One layer-direction's weights, laid out the way the reference's loops read them: matrices are
 * transposed to [in, out] so products stream through contiguous rows, and biases that can be summed
 * ahead of time are summed once here instead of at every step.
 */
export interface DirectionWeights {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Features of h (projSize or hiddenSize). */
  readonly stateSize: number;
  readonly gates: number;
  /** W_ih transposed: [I, G*H]. */
  readonly wihT: FloatArray;
  /**
   * W_hh transposed: [Hout, G*H]; for GRU without linearBeforeReset only the r and z blocks
   * ([Hout, 2H]) since the n block multiplies r ⊙ h instead of h.
   */
  readonly whhT: FloatArray;
  /** Columns of `whhT`. */
  readonly whhCols: number;
  /** GRU without linearBeforeReset: W_hn transposed, [H, H]. */
  readonly whnT: FloatArray | null;
  /**
   * Bias added to the input projection of every step: b_ih + b_hh, except GRU's n block where b_hn
   * stays separate when the reset gate multiplies it (linearBeforeReset).
   */
  readonly inputBias: FloatArray;
  /** GRU with linearBeforeReset: b_hn, added to W_hn·h before the reset gate multiplies it. */
  readonly hiddenNBias: FloatArray | null;
  /** LSTM projection W_hr transposed: [H, P]. */
  readonly whrT: FloatArray | null;
  /** LSTM peepholes [3H]: P_i, P_f, P_o. */
  readonly peepholes: FloatArray | null;
  readonly activations: readonly Activation[];
}

function asDType(t: Tensor, dtype: DType): FloatArray {
  if (dtype === 'float64') return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
}

/** Prepares the weights of stored layer `layer`, direction `reverse`, in the working dtype. */
export function prepareDirection(
  spec: RnnSpec,
  params: RnnParams,
  layer: number,
  reverse: boolean,
  dtype: DType,
): DirectionWeights {
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const I = layerInputSize(spec, layer);
  const get = (kind: 'weight' | 'bias', source: 'ih' | 'hh' | 'hr' | 'ph'): FloatArray | null => {
    const t = params[paramKey(kind, source, layer, reverse)];
    return t ? asDType(t, dtype) : null;
  };
  const alloc = (n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const wih = get('weight', 'ih') as FloatArray;
  const whh = get('weight', 'hh') as FloatArray;
  const bih = get('bias', 'ih');
  const bhh = get('bias', 'hh');
  const isGruResetAfter = spec.mode === 'gru' && spec.linearBeforeReset;
  const isGruResetBefore = spec.mode === 'gru' && !spec.linearBeforeReset;

  const inputBias = alloc(G * H);
  let hiddenNBias: FloatArray | null = null;
  if (bih && bhh) {
    for (let j = 0; j < G * H; j++) inputBias[j] = bih[j]! + bhh[j]!;
    if (isGruResetAfter) {
      hiddenNBias = alloc(H);
      for (let j = 0; j < H; j++) {
        inputBias[2 * H + j] = bih[2 * H + j]!;
        hiddenNBias[j] = bhh[2 * H + j]!;
      }
    }
  }

  const whhTFull = transpose(whh, G * H, Hout);
  let whhT = whhTFull;
  let whhCols = G * H;
  let whnT: FloatArray | null = null;
  if (isGruResetBefore) {
    whhCols = 2 * H;
    whhT = alloc(Hout * 2 * H);
    whnT = alloc(H * H);
    for (let k = 0; k < Hout; k++) {
      for (let j = 0; j < 2 * H; j++) whhT[k * 2 * H + j] = whhTFull[k * G * H + j]!;
      for (let j = 0; j < H; j++) whnT[k * H + j] = whhTFull[k * G * H + 2 * H + j]!;
    }
  }
  const whr = get('weight', 'hr');
  return {
    inputSize: I,
    hiddenSize: H,
    stateSize: Hout,
    gates: G,
    wihT: transpose(wih, G * H, I),
    whhT,
    whhCols,
    whnT,
    inputBias,
    hiddenNBias,
    whrT: whr ? transpose(whr, Hout, H) : null,
    peepholes: get('weight', 'ph')?.slice() ?? null,
    activations: reverse ? spec.reverseActivations : spec.activations,
  };
}

/** Prepares every stored layer-direction, indexed [storedLayer][direction]. */
export function prepareStack(spec: RnnSpec, params: RnnParams, dtype: DType): DirectionWeights[][] {
  const weights: DirectionWeights[][] = [];
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    const dirs: DirectionWeights[] = [];
    for (let d = 0; d < directionCount(spec); d++) dirs.push(prepareDirection(spec, params, layer, d === 1, dtype));
    weights.push(dirs);
  }
  return weights;
}
