import {
  type RnnParams,
  type RnnSpec,
  directionCount,
  gateCount,
  layerInputSize,
  outputSize,
  paramKey,
} from '@deeprnn/core';
import { recurrentLayout } from '../kernels/kernel-plan.js';

/** One stored layer's weights in the layout the kernels read, float32. */
export interface PackedLayer {
  /**
   * W_ih^T of every direction side by side, [K][D*G*H], then the input bias [D*G*H]: b_ih + b_hh
   * folded into one row, or (`biasRows` 2) b_ih and b_hh in two rows.
   */
  readonly projection: Float32Array;
  /** Per direction (see {@link recurrentLayout}): W_hh^T [Hout][G*H], b_hn, peepholes, W_hr^T. */
  readonly recurrent: Float32Array;
}

/**
 * Packs stored layer `layer`'s parameters. Biases that can be added once per step go into the input
 * projection (b_ih + b_hh); GRU with linearBeforeReset keeps b_hn apart, since the reset gate
 * multiplies W_hn h + b_hn.
 *
 * @param biasRows - 1 folds b_ih + b_hh into one row; 2 keeps them in two rows for the kernel to add,
 *   as float16 storage needs: the sum of two halves is not a half, and rounding it would change the model.
 */
export function packLayer(spec: RnnSpec, params: RnnParams, layer: number, biasRows: 1 | 2 = 1): PackedLayer {
  const D = directionCount(spec);
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const GH = G * H;
  const K = layerInputSize(spec, layer);
  const N = D * GH;
  const layout = recurrentLayout(spec);
  const projection = new Float32Array(K * N + biasRows * N);
  const recurrent = new Float32Array(D * layout.stride);
  for (let d = 0; d < D; d++) {
    const get = (kind: 'weight' | 'bias', source: 'ih' | 'hh' | 'hr' | 'ph'): ArrayLike<number> | null =>
      params[paramKey(kind, source, layer, d === 1)]?.data ?? null;
    const wih = get('weight', 'ih')!;
    for (let n = 0; n < GH; n++) {
      for (let k = 0; k < K; k++) projection[k * N + d * GH + n] = wih[n * K + k]!;
    }
    const bih = get('bias', 'ih');
    const bhh = get('bias', 'hh');
    const base = d * layout.stride;
    if (bih && bhh) {
      const keepsHiddenN = spec.mode === 'gru' && spec.linearBeforeReset;
      for (let n = 0; n < GH; n++) {
        const isHiddenN = keepsHiddenN && n >= 2 * H;
        const hidden = isHiddenN ? 0 : bhh[n]!;
        if (biasRows === 1) projection[K * N + d * GH + n] = bih[n]! + hidden;
        else [projection[K * N + d * GH + n], projection[(K + 1) * N + d * GH + n]] = [bih[n]!, hidden];
        if (isHiddenN) recurrent[base + layout.bhn + n - 2 * H] = bhh[n]!;
      }
    }
    const whh = get('weight', 'hh')!;
    for (let n = 0; n < GH; n++) {
      for (let k = 0; k < Hout; k++) recurrent[base + layout.whh + k * GH + n] = whh[n * Hout + k]!;
    }
    const ph = get('weight', 'ph');
    if (ph) for (let i = 0; i < 3 * H; i++) recurrent[base + layout.peep + i] = ph[i]!;
    const whr = get('weight', 'hr');
    if (whr) {
      for (let q = 0; q < Hout; q++) {
        for (let k = 0; k < H; k++) recurrent[base + layout.whr + k * Hout + q] = whr[q * H + k]!;
      }
    }
  }
  return { projection, recurrent };
}
