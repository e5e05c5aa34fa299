import {
  type RnnSpec,
  type Tensor,
  directionCount,
  outputSize,
  swapLeadingAxes as swapAxes,
  tensor,
} from '@deeprnn/core';

function newLike(t: Tensor, n: number): Float32Array | Float64Array {
  return t.data instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Swaps the first two axes of a rank-3 tensor. */
export function swapLeadingAxes(t: Tensor): Tensor {
  const [a, b, c] = t.shape as [number, number, number];
  return tensor(swapAxes(t.data, a, b, c), [b, a, c]);
}

/**
 * A deeprnn output ([T, B, D*H], or [B, T, D*H] when batchFirst) in the ONNX operator's layout:
 * Y [T, D, B, H] for layout 0, [B, T, D, H] for layout 1 (batchFirst).
 */
export function outputToOnnx(spec: RnnSpec, out: Tensor): Tensor {
  const D = directionCount(spec);
  const H = outputSize(spec);
  const [s0, s1] = out.shape as [number, number];
  if (spec.batchFirst) return tensor(out.data, [s0, s1, D, H]);
  const T = s0;
  const B = s1;
  const y = newLike(out, out.data.length);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let d = 0; d < D; d++) {
        y.set(out.data.subarray(((t * B + b) * D + d) * H, ((t * B + b) * D + d + 1) * H), ((t * D + d) * B + b) * H);
      }
  return tensor(y, [T, D, B, H]);
}

/**
 * Reverses each sequence within its length along the time axis (ONNX ReverseSequence): steps past a
 * row's length stay where they are.
 */
export function reverseWithinLengths(t: Tensor, batchFirst: boolean, lengths: ArrayLike<number> | undefined): Tensor {
  const [s0, s1, F] = t.shape as [number, number, number];
  const T = batchFirst ? s1 : s0;
  const B = batchFirst ? s0 : s1;
  const at = (step: number, b: number): number => (batchFirst ? b * T + step : step * B + b) * F;
  const out = newLike(t, t.data.length);
  out.set(t.data);
  for (let b = 0; b < B; b++) {
    const len = lengths === undefined ? T : (lengths[b] as number);
    for (let step = 0; step < len; step++)
      out.set(t.data.subarray(at(len - 1 - step, b), at(len - 1 - step, b) + F), at(step, b));
  }
  return tensor(out, t.shape);
}
