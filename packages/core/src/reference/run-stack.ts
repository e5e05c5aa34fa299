import type { ForwardOptions, ForwardResult, RnnState } from '../backend.js';
import { type RnnSpec, directionCount, outputSize, storedLayer } from '../config.js';
import { type CallShape, cellStateShape, hiddenStateShape, outputShape } from '../io-shapes.js';
import { SeededRandom } from '../rng.js';
import { swapLeadingAxes } from '../layout.js';
import { type DType, type Tensor, tensor } from '../tensor.js';
import type { DirectionWeights } from './direction-weights.js';
import type { FloatArray } from './matmul.js';
import { type DirectionRun, runDirection } from './run-direction.js';

/** Prepared weights indexed [storedLayer][direction]. */
export type StackWeights = readonly (readonly DirectionWeights[])[];

/** Runs one layer-direction of a stack; {@link runDirection} by default, a recording walk for training. */
export type DirectionRunner = (
  spec: RnnSpec,
  w: DirectionWeights,
  run: DirectionRun,
  dtype: DType,
  layer: number,
) => { h: FloatArray; c: FloatArray | null };

/** How {@link runStack} runs each direction and which dropout masks it applies (drawn when absent). */
export interface StackHooks {
  readonly direction?: DirectionRunner;
  readonly masks?: readonly (Uint8Array | null)[];
}

/** A zeroed buffer of the working dtype. */
export function alloc(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** A copy of `src` in the working dtype. */
export function copyAs(dtype: DType, src: ArrayLike<number>): FloatArray {
  return dtype === 'float64' ? Float64Array.from(src) : Float32Array.from(src);
}

/**
 * The dropout keep-mask of each layer's output (null for the last layer, or outside training): one
 * draw per element from a generator seeded with `dropoutSeed`, so a training step can be replayed.
 */
export function dropoutMasks(spec: RnnSpec, options: ForwardOptions, size: number): (Uint8Array | null)[] {
  const masks: (Uint8Array | null)[] = [];
  const rng = options.training && spec.dropout > 0 ? new SeededRandom(options.dropoutSeed ?? 0) : null;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    if (!rng || layer === spec.numLayers - 1) {
      masks.push(null);
      continue;
    }
    const keep = new Uint8Array(size);
    for (let i = 0; i < size; i++) keep[i] = rng.nextFloat() < spec.dropout ? 0 : 1;
    masks.push(keep);
  }
  return masks;
}

/** Input as a time-major [T, B, I] buffer of the working dtype (always a copy). */
export function toTimeMajor(spec: RnnSpec, input: Tensor, call: CallShape, dtype: DType): FloatArray {
  const data = copyAs(dtype, input.data);
  if (call.isUnbatched || !spec.batchFirst) return data;
  return swapLeadingAxes(data, call.B, call.T, input.data.length / (call.T * call.B));
}

/** Converts a time-major [T, B, F] buffer to the output layout of the spec. */
export function fromTimeMajor(spec: RnnSpec, data: FloatArray, call: CallShape, F: number): FloatArray {
  if (call.isUnbatched || !spec.batchFirst) return data;
  return swapLeadingAxes(data, call.T, call.B, F);
}

/**
 * Runs the whole stack: layer k reads layer k-1's output; each layer's directions run from their own
 * initial state; dropout (training only) zeroes outputs of every layer but the last and scales the
 * rest by 1 / (1 - p) (inverted dropout).
 */
export function runStack(
  spec: RnnSpec,
  weights: StackWeights,
  input: Tensor,
  initial: RnnState | undefined,
  options: ForwardOptions,
  call: CallShape,
  dtype: DType,
  hooks: StackHooks = {},
): ForwardResult {
  const { T, B } = call;
  const D = directionCount(spec);
  const Hout = outputSize(spec);
  const H = spec.hiddenSize;
  const F = D * Hout;
  const lengths = options.lengths ? Int32Array.from(options.lengths) : null;
  const h0 = initial ? copyAs(dtype, initial.h.data) : alloc(dtype, spec.numLayers * D * B * Hout);
  const c0 =
    spec.mode === 'lstm'
      ? initial?.c
        ? copyAs(dtype, initial.c.data)
        : alloc(dtype, spec.numLayers * D * B * H)
      : null;
  const hN = alloc(dtype, h0.length);
  const cN = c0 ? alloc(dtype, c0.length) : null;
  const masks = hooks.masks ?? dropoutMasks(spec, options, T * B * F);
  const direction: DirectionRunner = hooks.direction ?? ((s, w, run, dt) => runDirection(s, w, run, dt));
  const scale = 1 / (1 - spec.dropout);

  let x = toTimeMajor(spec, input, call, dtype);
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const out = alloc(dtype, T * B * F);
    for (let d = 0; d < D; d++) {
      const row = layer * D + d;
      const w = weights[storedLayer(spec, layer)]![d]!;
      const result = direction(
        spec,
        w,
        {
          x,
          T,
          B,
          reverse: d === 1,
          lengths,
          h0: h0.subarray(row * B * Hout, (row + 1) * B * Hout),
          c0: c0 ? c0.subarray(row * B * H, (row + 1) * B * H) : null,
          out,
          outOffset: d * Hout,
          outStride: F,
        },
        dtype,
        layer,
      );
      hN.set(result.h, row * B * Hout);
      if (cN && result.c) cN.set(result.c, row * B * H);
    }
    const keep = masks[layer];
    if (keep) for (let i = 0; i < out.length; i++) out[i] = keep[i] ? out[i]! * scale : 0;
    x = out;
  }
  const state: RnnState = cN
    ? { h: tensor(hN, hiddenStateShape(spec, call)), c: tensor(cN, cellStateShape(spec, call)) }
    : { h: tensor(hN, hiddenStateShape(spec, call)) };
  return { output: tensor(fromTimeMajor(spec, x, call, F), outputShape(spec, call)), state };
}
