import { FormatError } from './errors.js';

/** Element sizes of the dtypes deeprnn reads; F16 and BF16 are widened to float32. */
export const SAFETENSORS_DTYPE_BYTES: ReadonlyMap<string, number> = new Map([
  ['F64', 8],
  ['F32', 4],
  ['F16', 2],
  ['BF16', 2],
]);

/** One tensor's entry in a safetensors header, checked: its dtype is known and its bytes match its shape. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A parsed header: the tensor entries in the file's order and the metadata (both free of prototypes). */
export interface SafetensorsHeader {
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** Throws the reader's typed error with the format's name in front. */
export function failSafetensors(message: string, cause?: unknown): never {
  throw new FormatError(`safetensors: ${message}`, cause === undefined ? undefined : { cause });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeIntegerList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
}

function checkEntry(name: string, entry: unknown, dataLength: number): SafetensorsEntry {
  if (!isRecord(entry)) failSafetensors(`entry '${name}' must be an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  const elementBytes = typeof dtype === 'string' ? SAFETENSORS_DTYPE_BYTES.get(dtype) : undefined;
  if (elementBytes === undefined) {
    failSafetensors(
      `tensor '${name}' has dtype ${JSON.stringify(dtype)}, supported: ${[...SAFETENSORS_DTYPE_BYTES.keys()].join(', ')}`,
    );
  }
  if (!isNonNegativeIntegerList(shape)) {
    failSafetensors(`tensor '${name}' has shape ${JSON.stringify(shape)}, expected non-negative integers`);
  }
  if (!isNonNegativeIntegerList(offsets) || offsets.length !== 2) {
    failSafetensors(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin || end > dataLength) {
    failSafetensors(`tensor '${name}' spans bytes [${begin}, ${end}) of a ${dataLength}-byte data section`);
  }
  // The element count may overflow a safe integer for a crafted shape; then it cannot match end - begin.
  const bytes = shape.reduce((n, d) => n * d, 1) * elementBytes;
  if (end - begin !== bytes) {
    failSafetensors(
      `tensor '${name}' of shape ${JSON.stringify(shape)} ${dtype as string} needs ${bytes} bytes, offsets give ${end - begin}`,
    );
  }
  return { name, dtype: dtype as string, shape, begin, end };
}

function checkMetadata(entry: unknown): Record<string, string> {
  if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
    failSafetensors('__metadata__ must map strings to strings');
  }
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(entry)) metadata[k] = v as string;
  return metadata;
}

/**
 * Requires the tensors to tile the data section exactly, as the Rust `safetensors` crate does: sorted
 * by offset, each starts where the previous ends, the first at 0 and the last at the section's end. A
 * header length declared short (into the header's space padding) leaves bytes past the last tensor and
 * is refused here, instead of loading every weight shifted.
 */
function checkCoverage(entries: readonly SafetensorsEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous = '';
  for (const e of sorted) {
    if (e.begin < at) failSafetensors(`tensors '${previous}' and '${e.name}' overlap (bytes ${e.begin} to ${at})`);
    if (e.begin > at)
      failSafetensors(`bytes [${at}, ${e.begin}) before tensor '${e.name}' belong to no tensor (a gap)`);
    at = e.end;
    previous = e.name;
  }
  if (at !== dataLength) {
    failSafetensors(
      `the tensors cover ${at} bytes of the ${dataLength}-byte data section; ${dataLength - at} trailing bytes (a header length declared too short?)`,
    );
  }
}

/**
 * Parses and checks a safetensors JSON header against the data section that follows it.
 *
 * @param text - the header's bytes (UTF-8 JSON, possibly padded with spaces).
 * @param dataLength - bytes after the header.
 * @throws {@link FormatError} for anything the reference implementation would refuse.
 */
export function parseSafetensorsHeader(text: Uint8Array, dataLength: number): SafetensorsHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (e) {
    failSafetensors('header is not valid UTF-8 JSON', e);
  }
  if (text[0] !== 0x7b || !isRecord(header)) failSafetensors('header must be a JSON object starting at its first byte');
  let metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: SafetensorsEntry[] = [];
  // JSON.parse makes `__proto__` an own key, so Object.entries sees every tensor name.
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') metadata = checkMetadata(entry);
    else entries.push(checkEntry(name, entry, dataLength));
  }
  checkCoverage(entries, dataLength);
  return { entries, metadata: Object.freeze(metadata) };
}
