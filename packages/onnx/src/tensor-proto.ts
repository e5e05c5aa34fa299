import { FormatError, UnsupportedError } from '@deeprnn/core';
import { DataType, type Int64, type TensorProto, int64ToNumber } from './proto.js';

/** A tensor read from an ONNX TensorProto: float data as float32/float64, integer data as numbers. */
export type ProtoTensor =
  | {
      /** Float data: FLOAT or DOUBLE elements. */
      readonly kind: 'float';
      /** The tensor's dimensions. */
      readonly dims: readonly number[];
      /** The elements, row-major: Float32Array for FLOAT, Float64Array for DOUBLE. */
      readonly data: Float32Array | Float64Array;
    }
  | {
      /** Integer data: INT32, INT64 or BOOL elements. */
      readonly kind: 'int';
      /** The tensor's dimensions. */
      readonly dims: readonly number[];
      /** The elements, row-major; int64 values beyond the safe-integer range are clamped to it. */
      readonly data: readonly number[];
    };

const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
};

/** Reads the dims of a TensorProto, each a safe non-negative integer. */
export function readDims(dims: readonly Int64[] | null | undefined, where: string): number[] {
  const out: number[] = [];
  for (const d of dims ?? []) {
    const n = int64ToNumber(d);
    if (n === null || n < 0) throw new FormatError(`${where}: dimension ${String(d)} is not a non-negative integer`);
    out.push(n);
  }
  return out;
}

function elementCount(dims: readonly number[], limit: number, where: string): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    // Checked as we go so that dims like [2^40, 2^40] never overflow into a small number.
    if (n > limit)
      throw new FormatError(`${where}: dims [${dims.join(', ')}] declare more elements than the file holds`);
  }
  return n;
}

/**
 * Decodes a TensorProto without trusting its declared size: the element count is checked against
 * the bytes (or list entries) actually present before anything is allocated.
 *
 * @param t - the decoded proto.
 * @param where - names the tensor in messages.
 * @throws {@link FormatError} when sizes disagree or the proto is malformed.
 * @throws {@link UnsupportedError} for external data and element types other than float, double,
 *   int32, int64 and bool.
 */
export function readTensorProto(t: TensorProto, where: string): ProtoTensor {
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
    throw new UnsupportedError(
      `${where}: tensors with external data are not supported; save the model with its weights inside`,
    );
  }
  const type = t.dataType ?? 0;
  const bytes = ELEMENT_BYTES[type];
  if (bytes === undefined)
    throw new UnsupportedError(`${where}: element type ${type} is not supported (float, double, int32, int64, bool)`);
  const dims = readDims(t.dims, where);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const listed = listedValues(t, type);
  const available = raw !== null ? Math.floor(raw.length / bytes) : listed.length;
  const n = elementCount(dims, available, where);
  if (raw !== null ? raw.length !== n * bytes : listed.length !== n) {
    const have = raw !== null ? `${raw.length} bytes` : `${listed.length} values`;
    throw new FormatError(`${where}: dims [${dims.join(', ')}] need ${n} elements, the tensor holds ${have}`);
  }
  if (raw !== null) return fromRaw(raw, type, dims, n);
  if (type === DataType.FLOAT) return { kind: 'float', dims, data: Float32Array.from(listed as number[]) };
  if (type === DataType.DOUBLE) return { kind: 'float', dims, data: Float64Array.from(listed as number[]) };
  const ints = (listed as readonly Int64[]).map((v) => {
    const x = int64ToNumber(v);
    if (x !== null) return x;
    // INT64_MAX/MIN mean "to the end" in Slice; clamping keeps that meaning.
    const big = typeof v === 'number' ? v : v.high;
    return big < 0 ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  });
  return { kind: 'int', dims, data: ints };
}

function listedValues(t: TensorProto, type: number): readonly (number | Int64)[] {
  switch (type) {
    case DataType.FLOAT:
      return t.floatData ?? [];
    case DataType.DOUBLE:
      return t.doubleData ?? [];
    case DataType.INT64:
      return t.int64Data ?? [];
    default:
      return t.int32Data ?? [];
  }
}

function fromRaw(raw: Uint8Array, type: number, dims: number[], n: number): ProtoTensor {
  // Copy into an aligned buffer: raw_data is a view into the file at any offset.
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  const view = new DataView(copy.buffer);
  switch (type) {
    case DataType.FLOAT: {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
      return { kind: 'float', dims, data };
    }
    case DataType.DOUBLE: {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat64(8 * i, true);
      return { kind: 'float', dims, data };
    }
    case DataType.INT64: {
      const data: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(8 * i, true);
        // Clamp: ONNX uses INT64_MAX/MIN as "to the end" in Slice; those need not be exact here.
        data.push(
          v > BigInt(Number.MAX_SAFE_INTEGER)
            ? Number.MAX_SAFE_INTEGER
            : v < BigInt(Number.MIN_SAFE_INTEGER)
              ? Number.MIN_SAFE_INTEGER
              : Number(v),
        );
      }
      return { kind: 'int', dims, data };
    }
    case DataType.BOOL:
      return { kind: 'int', dims, data: Array.from(copy, (b) => (b ? 1 : 0)) };
    default: {
      const data: number[] = [];
      for (let i = 0; i < n; i++) data.push(view.getInt32(4 * i, true));
      return { kind: 'int', dims, data };
    }
  }
}

/** A float32 TensorProto with raw little-endian data (what exporters write). */
export function floatTensorProto(name: string, dims: readonly number[], data: ArrayLike<number>): TensorProto {
  const raw = new Uint8Array(4 * data.length);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i] as number, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw };
}

/** An int64 TensorProto (raw little-endian). */
export function int64TensorProto(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  const raw = new Uint8Array(8 * data.length);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: raw };
}

/** An int32 TensorProto (raw little-endian). */
export function int32TensorProto(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  const raw = new Uint8Array(4 * data.length);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setInt32(4 * i, v, true));
  return { name, dims: [...dims], dataType: DataType.INT32, rawData: raw };
}

/** A bool TensorProto. */
export function boolTensorProto(name: string, dims: readonly number[], data: readonly boolean[]): TensorProto {
  return { name, dims: [...dims], dataType: DataType.BOOL, rawData: Uint8Array.from(data, (b) => (b ? 1 : 0)) };
}
