import { type Tensor, UnsupportedError, f16BitsToNumber, float32ToF16Bits } from '@deeprnn/core';
import type { QuantizationDType, WeightSpec } from './weights-manifest.js';

/** A weight encoded for a tfjs manifest, with what the encoding costs. */
export interface EncodedWeight {
  /** Its manifest entry, with the quantization used. */
  readonly spec: WeightSpec;
  /** The encoded values, as they go into the shard. */
  readonly bytes: Uint8Array;
  /** Largest |decoded - original| over the weight (0 for float32). */
  readonly maxError: number;
}

/**
 * Affine uint8/uint16 quantization as tensorflowjs_converter does it: the range widened to include
 * 0, the zero point nudged to an integer so that 0 is exact, values rounded to the nearest level.
 */
function affine(name: string, data: ArrayLike<number>, levels: number): { scale: number; min: number; q: number[] } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i] as number);
    hi = Math.max(hi, data[i] as number);
  }
  const scale = hi === lo ? 1 : (hi - lo) / levels;
  // A range past float32's (|w| near 3e38) gives an infinite scale, which would store NaN for every value.
  if (!Number.isFinite(Math.fround(scale)) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new UnsupportedError(
      `export tfjs-layers: weight '${name}' spans [${lo}, ${hi}], too wide for affine quantization (its scale is not a finite float32); export it unquantized`,
    );
  }
  const zero = Math.round(-lo / scale);
  const min = Math.fround(-zero * scale);
  const q = Array.from(data, (v) => Math.min(levels, Math.max(0, Math.round((v - min) / scale))));
  return { scale: Math.fround(scale), min, q };
}

/**
 * Encodes one weight as float32 or quantized to uint8, uint16 or float16 (tfjs manifest semantics).
 *
 * @param name - the manifest name.
 * @param t - the weight.
 * @param quantize - null for float32.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} when a value does not fit the quantization (float16
 *   past 65504, an affine range wider than float32).
 */
export function encodeWeight(name: string, t: Tensor, quantize: QuantizationDType | null): EncodedWeight {
  const n = t.data.length;
  if (quantize === null) {
    const bytes = new Uint8Array(4 * n);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) view.setFloat32(4 * i, t.data[i] as number, true);
    return { spec: { name, shape: t.shape, dtype: 'float32' }, bytes, maxError: 0 };
  }
  let maxError = 0;
  if (quantize === 'float16') {
    const bytes = new Uint8Array(2 * n);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      const v = t.data[i] as number;
      // Past 65504 (rounding up to 65520) float16 holds only Inf: the export would be silently wrong.
      if (!Number.isFinite(v) || Math.abs(v) >= 65520) {
        throw new UnsupportedError(
          `export tfjs-layers: weight '${name}' element ${i} is ${v}, outside float16's finite range (|w| <= 65504); export it as float32 or uint16`,
        );
      }
      const bits = float32ToF16Bits(v);
      view.setUint16(2 * i, bits, true);
      maxError = Math.max(maxError, Math.abs(f16BitsToNumber(bits) - (t.data[i] as number)));
    }
    return { spec: { name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'float16' } }, bytes, maxError };
  }
  const wide = quantize === 'uint16';
  const { scale, min, q } = affine(name, t.data, wide ? 65535 : 255);
  const bytes = new Uint8Array((wide ? 2 : 1) * n);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    if (wide) view.setUint16(2 * i, q[i] as number, true);
    else view.setUint8(i, q[i] as number);
    maxError = Math.max(maxError, Math.abs(Math.fround((q[i] as number) * scale + min) - (t.data[i] as number)));
  }
  return {
    spec: { name, shape: t.shape, dtype: 'float32', quantization: { dtype: quantize, scale, min } },
    bytes,
    maxError,
  };
}
