import { ParameterError, ShapeError } from './errors.js';
import { bf16BitsToNumber, f16BitsToNumber, float32ToBf16Bits, float32ToF16Bits } from './safetensors-half.js';
import { SAFETENSORS_DTYPE_BYTES, failSafetensors, parseSafetensorsHeader } from './safetensors-header.js';
import { type Tensor, sizeOf, tensor } from './tensor.js';

/** A safetensors file's content: tensors by name, plus the free-form string metadata (prototype-free objects). */
export interface SafetensorsContent {
  /** The tensors, by name. */
  readonly tensors: Readonly<Record<string, Tensor>>;
  /** The header's `__metadata__` strings; empty when the file has none. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The safetensors format caps the JSON header at 100 MB; we apply the same bound before allocating. */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data),
 * the format PyTorch users save state_dicts in, exactly as the Rust `safetensors` crate does: the
 * tensors must tile the data section (no gaps, no overlaps, no trailing bytes), so a header length
 * declared a few bytes short is refused instead of shifting every weight. Reading is bounded: every
 * size the header declares is checked against the bytes actually present before anything is allocated.
 *
 * @param bytes - the whole file.
 * @returns tensors by name (F32 and F64 keep their type; F16/BF16 become float32) and the metadata,
 *   both in objects without a prototype (a tensor may be called `__proto__` or `constructor`).
 * @throws {@link FormatError} for a truncated file, a bad header, an unsupported dtype, or offsets
 *   that overlap, leave gaps or trailing bytes, or point outside the file.
 * @example
 * ```ts
 * const { tensors } = readSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * ```
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) failSafetensors('expected the file as a Uint8Array');
  if (bytes.length < 8) failSafetensors(`file has ${bytes.length} bytes, a header length needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(bytes.length - 8, MAX_HEADER_BYTES))) {
    failSafetensors(`header declares ${headerLength} bytes, the file has ${bytes.length - 8} after the length field`);
  }
  const n = Number(headerLength);
  const dataStart = 8 + n;
  const header = parseSafetensorsHeader(bytes.subarray(8, dataStart), bytes.length - dataStart);
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const { name, dtype, shape, begin, end } of header.entries) {
    tensors[name] = decode(
      view,
      dataStart + begin,
      (end - begin) / (SAFETENSORS_DTYPE_BYTES.get(dtype) as number),
      dtype,
      shape,
    );
  }
  return { tensors: Object.freeze(tensors), metadata: header.metadata };
}

function decode(view: DataView, at: number, count: number, dtype: string, shape: readonly number[]): Tensor {
  if (dtype === 'F64') {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
    return tensor(out, shape);
  }
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, true);
  else if (dtype === 'BF16')
    for (let i = 0; i < count; i++) out[i] = bf16BitsToNumber(view.getUint16(at + 2 * i, true));
  else for (let i = 0; i < count; i++) out[i] = f16BitsToNumber(view.getUint16(at + 2 * i, true));
  return tensor(out, shape);
}

/** The element types {@link writeSafetensors} can store. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16';

/** Options for {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /**
   * Store every tensor in this type. Default: each tensor's own (F32 for float32, F64 for float64).
   * `F16` and `BF16` round to nearest even exactly as PyTorch's `Tensor.to(torch.float16 |
   * torch.bfloat16)` does (float64 data is rounded to float32 first); NaN, infinities and -0 are
   * kept. A finite value beyond the type's range (F16: magnitude 65520 or more; BF16: more than
   * about 3.3961e38) would be stored as infinity: see `overflow`.
   */
  readonly dtype?: SafetensorsDType;
  /**
   * What a finite value that the stored type rounds to infinity does: `refuse` (the default) throws a
   * {@link ParameterError} naming the tensor, the element and the value, since a weight silently
   * turned infinite makes the model answer NaN; `infinity` stores it as PyTorch's `Tensor.to` does.
   */
  readonly overflow?: 'refuse' | 'infinity';
}

const WRITE_BYTES: Readonly<Record<SafetensorsDType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

function storedDType(t: Tensor, options: WriteSafetensorsOptions): SafetensorsDType {
  const dtype = options.dtype ?? (t.dtype === 'float64' ? 'F64' : 'F32');
  if (!Object.hasOwn(WRITE_BYTES, dtype)) {
    throw new ShapeError(`writeSafetensors: options.dtype must be one of F64, F32, F16, BF16, got ${String(dtype)}`);
  }
  return dtype;
}

/** The largest finite magnitude each half type holds; F32/F64 data never overflows when stored as itself. */
const HALF_DECODE: Partial<Record<SafetensorsDType, (x: number) => number>> = {
  F16: (x) => f16BitsToNumber(float32ToF16Bits(x)),
  BF16: (x) => bf16BitsToNumber(float32ToBf16Bits(x)),
};

/** Throws when a finite element of `t` would be stored as infinity in `dtype` (see `overflow`). */
function refuseOverflow(name: string, t: Tensor, dtype: SafetensorsDType): void {
  const roundTrip = HALF_DECODE[dtype];
  if (!roundTrip) return;
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (Number.isFinite(v) && !Number.isFinite(roundTrip(v))) {
      throw new ParameterError(
        `writeSafetensors: tensor '${name}' element ${i} is ${v}, beyond ${dtype}'s finite range: it would be stored as infinity (store it as F32, or pass overflow: 'infinity')`,
      );
    }
  }
}

function encode(view: DataView, at: number, data: ArrayLike<number>, dtype: SafetensorsDType): void {
  const n = data.length;
  if (dtype === 'F64') for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i] as number, true);
  else if (dtype === 'F32') for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i] as number, true);
  else if (dtype === 'F16')
    for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, float32ToF16Bits(data[i] as number), true);
  else for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, float32ToBf16Bits(data[i] as number), true);
}

/**
 * Writes tensors as a safetensors file (F32 for float32, F64 for float64, or F16/BF16 on request), in the order given, with
 * the header padded to a multiple of 8 bytes as the reference implementation does. The result always
 * reads back with {@link readSafetensors}: every name (`__proto__` included) is kept, and a tensor
 * whose data does not match its shape is refused rather than written as a file no reader accepts.
 *
 * @param tensors - tensors by name (e.g. a model's params: PyTorch loads them with `safetensors.torch.load_file`).
 * @param metadata - free-form strings stored under `__metadata__`.
 * @param options - `dtype` stores every tensor in F16, BF16, F32 or F64.
 * @returns the file's bytes.
 * @throws {@link ShapeError} when a name is empty or `__metadata__`, a tensor's data length is not
 *   the product of its shape, a metadata value is not a string, or `options.dtype` is unknown;
 *   {@link ParameterError} when a finite value would be stored as infinity (F16/BF16, see
 *   {@link WriteSafetensorsOptions.overflow}).
 * @example
 * ```ts
 * const bytes = writeSafetensors(params, { format: 'pt' }, { dtype: 'BF16' });
 * ```
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  // No prototype: a tensor called `__proto__` must become a key, not replace the header's prototype.
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const metaEntries = Object.entries(metadata);
  for (const [k, v] of metaEntries) {
    if (typeof v !== 'string')
      throw new ShapeError(`writeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
  }
  if (metaEntries.length > 0) header.__metadata__ = Object.fromEntries(metaEntries);
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__') throw new ShapeError(`writeSafetensors: invalid tensor name '${name}'`);
    if (sizeOf(t.shape) !== t.data.length) {
      throw new ShapeError(
        `writeSafetensors: tensor '${name}' has shape [${t.shape.join(', ')}] (${sizeOf(t.shape)} elements), data has ${t.data.length}`,
      );
    }
    const dtype = storedDType(t, options);
    if (options.overflow !== 'infinity') refuseOverflow(name, t, dtype);
    const size = t.data.length * WRITE_BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length)
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    const dtype = storedDType(t, options);
    encode(view, at, t.data, dtype);
    at += t.data.length * WRITE_BYTES[dtype];
  }
  return out;
}
