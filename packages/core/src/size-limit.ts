import { type RnnSpec, directionCount, gateCount, outputSize } from './config.js';
import { SizeLimitError } from './errors.js';
import type { DType } from './tensor.js';

/**
 * The default memory limit of one allocation plan (a model's parameters, one forward call's working
 * memory): 2 GiB. Every entry point that allocates takes a `maxBytes` option to raise or lower it.
 */
export const DEFAULT_MAX_BYTES: number = 2 ** 31;

/** Bytes of one element of a dtype. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/**
 * Working memory of one forward call, the bytes a backend allocates beyond the input and the weights:
 * per direction, the input projection of every step (T B G H) and the layer's output sequence, twice
 * (the layer's input and output, T B Hout), plus the final states. An estimate from above of what the
 * reference allocates; the other backends allocate about the same.
 */
export function forwardWorkingBytes(
  spec: RnnSpec,
  call: { readonly T: number; readonly B: number },
  dtype: DType,
): number {
  const D = directionCount(spec);
  const perStep = D * (gateCount(spec.mode) * spec.hiddenSize + 2 * outputSize(spec));
  const states = spec.numLayers * D * (outputSize(spec) + spec.hiddenSize);
  return (call.T * call.B * perStep + call.B * states) * bytesPerElement(dtype);
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]} (${n} bytes)`;
}

/**
 * Throws before allocating when `bytes` exceeds the limit.
 *
 * @param what - what would be allocated, e.g. `initParams: the lstm parameters (float32)`.
 * @param raise - where the caller passes `maxBytes` to allow more, e.g. `initParams(spec, { maxBytes })`.
 * @throws {@link SizeLimitError} saying how many bytes it would take, the limit and how to raise it;
 *   `RangeError` never (a non-positive or non-finite limit is a SizeLimitError too).
 */
export function checkBytes(what: string, bytes: number, maxBytes: number | undefined, raise: string): void {
  const limit = maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof limit !== 'number' || !(limit > 0)) {
    throw new SizeLimitError(`${what}: maxBytes must be a positive number, got ${String(limit)}`);
  }
  if (bytes > limit) {
    throw new SizeLimitError(
      `${what} would take ${formatBytes(bytes)}, over the limit of ${formatBytes(limit)}; pass a larger maxBytes to ${raise} to allow it`,
    );
  }
}
