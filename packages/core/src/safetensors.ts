import { FormatError, ShapeError } from './errors.js';
import { type Tensor, sizeOf, tensor } from './tensor.js';

/** A safetensors file's content: tensors by name, plus the free-form string metadata. */
export interface SafetensorsContent {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Element sizes of the dtypes deeprnn reads; F16 and BF16 are widened to float32. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** The safetensors format caps the JSON header at 100 MB; we apply the same bound before allocating. */
const MAX_HEADER_BYTES = 100_000_000;

function fail(message: string, cause?: unknown): never {
  throw new FormatError(`safetensors: ${message}`, cause === undefined ? undefined : { cause });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data),
 * the format PyTorch users save state_dicts in. Reading is bounded: every size the header declares is
 * checked against the bytes actually present before anything is allocated.
 *
 * @param bytes - the whole file.
 * @returns tensors by name (F32 and F64 keep their type; F16/BF16 become float32) and the metadata.
 * @throws {@link FormatError} for a truncated file, a bad header, an unsupported dtype or offsets that
 *   overlap, leave gaps or point outside the file.
 * @example
 * ```ts
 * const { tensors } = readSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * ```
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) fail('expected the file as a Uint8Array');
  if (bytes.length < 8) fail(`file has ${bytes.length} bytes, a header length needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(bytes.length - 8, MAX_HEADER_BYTES))) {
    fail(`header declares ${headerLength} bytes, the file has ${bytes.length - 8} after the length field`);
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail('header is not valid UTF-8 JSON', e);
  }
  if (!isRecord(header)) fail('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
        fail('__metadata__ must map strings to strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    if (!isRecord(entry)) fail(`entry '${name}' must be an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || DTYPE_BYTES[dtype] === undefined) {
      fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}, supported: ${Object.keys(DTYPE_BYTES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(`tensor '${name}' has shape ${JSON.stringify(shape)}, expected non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const elementBytes = DTYPE_BYTES[dtype] as number;
    const count = sizeOf(shape as number[]);
    if (end < begin || end > dataLength) {
      fail(`tensor '${name}' spans bytes [${begin}, ${end}) of a ${dataLength}-byte data section`);
    }
    if (end - begin !== count * elementBytes) {
      fail(`tensor '${name}' of shape ${JSON.stringify(shape)} ${dtype} needs ${count * elementBytes} bytes, offsets give ${end - begin}`);
    }
    spans.push([begin, end, name]);
    tensors[name] = decode(view, dataStart + begin, count, dtype, shape as number[]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as [number, number, string];
    const cur = spans[i] as [number, number, string];
    if (cur[0] < prev[1]) fail(`tensors '${prev[2]}' and '${cur[2]}' overlap`);
  }
  return { tensors: Object.freeze(tensors), metadata: Object.freeze({ ...metadata }) };
}

function decode(view: DataView, at: number, count: number, dtype: string, shape: number[]): Tensor {
  if (dtype === 'F64') {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
    return tensor(out, shape);
  }
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, true);
  else if (dtype === 'BF16') for (let i = 0; i < count; i++) out[i] = bf16ToNumber(view.getUint16(at + 2 * i, true));
  else for (let i = 0; i < count; i++) out[i] = f16ToNumber(view.getUint16(at + 2 * i, true));
  return tensor(out, shape);
}

function bf16ToNumber(bits: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, bits << 16);
  return buf.getFloat32(0);
}

function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Writes tensors as a safetensors file (F32 for float32, F64 for float64), in the order given, with
 * the header padded to a multiple of 8 bytes as the reference implementation does.
 *
 * @param tensors - tensors by name (e.g. a model's params: PyTorch loads them with `safetensors.torch.load_file`).
 * @param metadata - free-form strings stored under `__metadata__`.
 * @returns the file's bytes.
 * @throws {@link ShapeError} when a name is empty or `__metadata__`.
 */
export function writeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__') throw new ShapeError(`writeSafetensors: invalid tensor name '${name}'`);
    const size = t.data.length * (t.dtype === 'float64' ? 8 : 4);
    header[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    if (t.dtype === 'float64') for (let i = 0; i < t.data.length; i++, at += 8) view.setFloat64(at, t.data[i] as number, true);
    else for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i] as number, true);
  }
  return out;
}
