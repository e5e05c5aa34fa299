import { FormatError, type Tensor, f16BitsToNumber, sizeOf, tensor } from '@deeprnn/core';
import { isRecord } from './config-fields.js';

/** tfjs' weight quantizations (the `quantization.dtype` of a manifest entry). */
export type QuantizationDType = 'uint8' | 'uint16' | 'float16';

/** One entry of a tfjs `weightsManifest` group (tfjs `WeightsManifestEntry`). */
export interface WeightSpec {
  /** The weight's name, `<layer>/...` for a layer's weight. */
  readonly name: string;
  /** The weight's dimensions. */
  readonly shape: readonly number[];
  /** The decoded element type; deeprnn accepts only `float32`. */
  readonly dtype: string;
  /** How the stored values are quantized; absent when they are stored as float32. */
  readonly quantization?: {
    /** The stored element type. */
    readonly dtype: QuantizationDType;
    /** uint8/uint16: the step between levels; a value decodes as `q * scale + min`. Absent for float16. */
    readonly scale?: number;
    /** uint8/uint16: the value of level 0. Absent for float16. */
    readonly min?: number;
  };
}

/** One group of a tfjs `weightsManifest`: its shard files and the weights they hold, back to back. */
export interface WeightsGroup {
  /** The group's shard files, relative to model.json, concatenated in this order. */
  readonly paths: readonly string[];
  /** The weights the concatenated shards hold, back to back, in this order. */
  readonly weights: readonly WeightSpec[];
}

const QUANT_BYTES: Readonly<Record<QuantizationDType, number>> = { uint8: 1, uint16: 2, float16: 2 };

function fail(message: string): never {
  throw new FormatError(`tfjs weights: ${message}`);
}

/** Checks a raw manifest entry. */
export function checkWeightSpec(raw: unknown): WeightSpec {
  if (!isRecord(raw) || typeof raw.name !== 'string' || !Array.isArray(raw.shape) || typeof raw.dtype !== 'string') {
    fail(`manifest entry ${JSON.stringify(raw)?.slice(0, 120)} must be {name, shape, dtype}`);
  }
  if (!raw.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    fail(`weight '${raw.name}' has shape ${JSON.stringify(raw.shape)}`);
  if (raw.dtype !== 'float32')
    fail(`weight '${raw.name}' has dtype ${raw.dtype}; recurrent models store float32 weights`);
  const q = raw.quantization;
  if (q !== undefined && q !== null) {
    if (!isRecord(q) || (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16')) {
      fail(`weight '${raw.name}' has quantization ${JSON.stringify(q)}; tfjs knows uint8, uint16 and float16`);
    }
    // NaN or infinite scale/min would dequantize every value to NaN or Inf without a word: refuse them.
    if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
      fail(
        `weight '${raw.name}' is quantized to ${q.dtype}: expected finite numeric scale and min, got scale ${JSON.stringify(q.scale) ?? 'undefined'}, min ${JSON.stringify(q.min) ?? 'undefined'}`,
      );
    }
    return raw as unknown as WeightSpec;
  }
  return { name: raw.name, shape: raw.shape as number[], dtype: raw.dtype };
}

/** Bytes one weight takes in its group's data. */
export function weightBytes(spec: WeightSpec): number {
  return sizeOf(spec.shape) * (spec.quantization === undefined ? 4 : QUANT_BYTES[spec.quantization.dtype]);
}

/**
 * Decodes the weights of one manifest group from its data (its shards concatenated), dequantizing
 * exactly as tfjs-core's `decodeWeights` does: uint8/uint16 `q * scale + min` rounded to float32,
 * float16 widened exactly.
 *
 * @returns tensors by manifest name, in manifest order.
 * @throws {@link @deeprnn/core!FormatError | FormatError} when the data is shorter or longer than the entries need, a
 *   name repeats or a decoded weight is NaN or infinite.
 */
export function decodeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  // Bytes first, before any allocation: a manifest's shapes alone must not make us allocate.
  const need = specs.reduce((n, s) => n + weightBytes(s), 0);
  if (need !== data.length) fail(`the weights take ${need} bytes, the data has ${data.length}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  for (const spec of specs) {
    const n = sizeOf(spec.shape);
    const bytes = weightBytes(spec);
    if (at + bytes > data.length) fail(`weight '${spec.name}' needs bytes [${at}, ${at + bytes}) of ${data.length}`);
    const values = new Float32Array(n);
    const q = spec.quantization;
    if (q === undefined) for (let i = 0; i < n; i++) values[i] = view.getFloat32(at + 4 * i, true);
    else if (q.dtype === 'float16')
      for (let i = 0; i < n; i++) values[i] = f16BitsToNumber(view.getUint16(at + 2 * i, true));
    else if (q.dtype === 'uint8')
      for (let i = 0; i < n; i++) values[i] = view.getUint8(at + i) * (q.scale as number) + (q.min as number);
    else
      for (let i = 0; i < n; i++)
        values[i] = view.getUint16(at + 2 * i, true) * (q.scale as number) + (q.min as number);
    // A non-finite weight (float32 NaN/Inf bits, a float16 NaN or Inf) would make every output NaN.
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`weight '${spec.name}' element ${bad} is ${values[bad]}; expected finite weights`);
    if (out.has(spec.name)) fail(`weight '${spec.name}' appears twice in the manifest`);
    out.set(spec.name, tensor(values, spec.shape));
    at += bytes;
  }
  if (at !== data.length) fail(`the weights take ${at} bytes, the data has ${data.length}`);
  return out;
}
