import type { RnnMode } from '@deeprnn/core';

/*
 * The one place that knows gate order. deeprnn (like PyTorch) stacks gate blocks as LSTM [i, f, g, o]
 * and GRU [r, z, n]; the ONNX operators stack them as LSTM [i, o, f, c] and GRU [z, r, h]. LSTM
 * peepholes are [P_i, P_f, P_o] here and [P_i, P_o, P_f] in ONNX's `P` input.
 */

/** ONNX block k holds deeprnn block ONNX_FROM_TORCH[mode][k]. */
const ONNX_FROM_TORCH: Readonly<Record<RnnMode, readonly number[]>> = {
  rnn_tanh: [0],
  rnn_relu: [0],
  gru: [1, 0, 2],
  lstm: [0, 3, 1, 2],
};

/** ONNX peephole block k holds deeprnn peephole block PEEPHOLE_ONNX_FROM_TORCH[k]. */
const PEEPHOLE_ONNX_FROM_TORCH: readonly number[] = [0, 2, 1];

function permuteBlocks<T extends Float32Array | Float64Array>(data: T, order: readonly number[], inverse: boolean): T {
  const blocks = order.length;
  if (data.length % blocks !== 0) {
    throw new RangeError(`gate blocks: ${data.length} values do not split into ${blocks} gates`);
  }
  const size = data.length / blocks;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let k = 0; k < blocks; k++) {
    const src = order[k] as number;
    // forward: out block k <- data block order[k]; inverse: out block order[k] <- data block k.
    if (inverse) out.set(data.subarray(k * size, (k + 1) * size), src * size);
    else out.set(data.subarray(src * size, (src + 1) * size), k * size);
  }
  return out;
}

/**
 * Reorders the gate blocks of a weight or bias from deeprnn's (PyTorch's) order to ONNX's.
 *
 * @param mode - decides the gates: rnn 1, gru 3, lstm 4.
 * @param data - row-major [G*H, ...] or [G*H]: gate blocks are contiguous.
 * @returns a new array in ONNX order (the same values, moved).
 */
export function gatesToOnnx<T extends Float32Array | Float64Array>(mode: RnnMode, data: T): T {
  return permuteBlocks(data, ONNX_FROM_TORCH[mode], false);
}

/** The inverse of {@link gatesToOnnx}: ONNX gate order back to deeprnn's. */
export function gatesFromOnnx<T extends Float32Array | Float64Array>(mode: RnnMode, data: T): T {
  return permuteBlocks(data, ONNX_FROM_TORCH[mode], true);
}

/** Peepholes [P_i, P_f, P_o] (deeprnn) to ONNX's [P_i, P_o, P_f]. */
export function peepholesToOnnx<T extends Float32Array | Float64Array>(data: T): T {
  return permuteBlocks(data, PEEPHOLE_ONNX_FROM_TORCH, false);
}

/** ONNX peepholes [P_i, P_o, P_f] back to deeprnn's [P_i, P_f, P_o]. */
export function peepholesFromOnnx<T extends Float32Array | Float64Array>(data: T): T {
  return permuteBlocks(data, PEEPHOLE_ONNX_FROM_TORCH, true);
}
