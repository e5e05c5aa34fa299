import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MAX_BYTES, SizeLimitError } from '@deeprnn/core';
import { MAX_CORPUS_BYTES, MAX_JSON_BYTES, type ReadLimit, readFileWithin } from '@deeprnn/lm/node';
import { InputError, OutputError, UsageError } from './cli-errors.js';
import { strictInteger } from './flag-values.js';

// Paths are checked before any work starts, so a typo costs nothing and says what was expected.

function reason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? (/^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message) : String(e);
  return typeof code === 'string' ? `${text} (${code})` : text;
}

/** A file the command reads: it must exist and be a file, not a folder. Returns the path. */
export function requireInputFile(path: string, what: string): string {
  if (!existsSync(path)) throw new InputError(`${what}: expected a file, but ${path} does not exist`);
  if (statSync(path).isDirectory()) throw new InputError(`${what}: expected a file, got the folder ${path}`);
  return path;
}

/** A file or folder the command reads: it must exist. Returns the path. */
export function requireInputPath(path: string, what: string): string {
  if (!existsSync(path)) throw new InputError(`${what}: expected a file or folder, but ${path} does not exist`);
  return path;
}

/** A folder the command reads, holding at least one entry. */
export function requireNonEmptyFolder(path: string, what: string, expected: string): void {
  if (statSync(path).isDirectory() && readdirSync(path).length === 0)
    throw new InputError(`${what}: expected ${expected}, got the empty folder ${path}`);
}

/** Proves a folder writable by creating and removing a file in it (works for root on read-only mounts too). */
function probeWritable(dir: string, what: string): void {
  const probe = join(dir, `.deeprnn-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    throw new OutputError(`${what}: expected a writable folder, but ${dir} cannot be written: ${reason(e)}`, {
      cause: e,
    });
  }
}

/** An output folder: created when missing (with its parents), then checked writable. */
export function prepareOutputFolder(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new OutputError(`${what}: expected a folder, got the file ${dir}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(`${what}: cannot create the folder ${dir}: ${reason(e)}`, { cause: e });
  }
  probeWritable(dir, what);
}

/** An output file: its folder must exist and be writable, and the path must not be a folder. */
export function requireOutputFile(path: string, what: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new OutputError(`${what}: expected a file in an existing folder, but the folder ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new OutputError(`${what}: expected a file name, got the folder ${path}`);
  probeWritable(dir, what);
}

/**
 * The environment variable that sets the size limit of every file the CLI reads (bytes, an integer
 * >= 1), replacing each default below. Meant for tests and for unusually large models or texts.
 */
export const MAX_INPUT_BYTES_ENV = 'DEEPRNN_MAX_INPUT_BYTES';

/** A kind of input file: it picks the default size limit. */
export type InputKind = 'model' | 'corpus' | 'case' | 'json';

/** The kinds of input file, each with its default size limit (see apps/cli/README.md). */
const INPUT_LIMITS: Readonly<Record<InputKind, { readonly maxBytes: number; readonly name: string }>> = {
  /** `.safetensors` weights, checkpoints and `.onnx` models: core's allocation limit, 2 GiB. */
  model: { maxBytes: DEFAULT_MAX_BYTES, name: 'model file limit' },
  /** A training text (`--corpus`, `DEEPRNN_DATA_DIR`): 64 MiB. */
  corpus: { maxBytes: MAX_CORPUS_BYTES, name: 'corpus limit' },
  /** A golden case (JSON holding weights and expected outputs): 256 MiB, under V8's longest string. */
  case: { maxBytes: 256 * 2 ** 20, name: 'golden case limit' },
  /** A config JSON: 16 MiB. */
  json: { maxBytes: MAX_JSON_BYTES, name: 'JSON file limit' },
};

/**
 * The size limit for reading a kind of file: its default, or `DEEPRNN_MAX_INPUT_BYTES` when set.
 *
 * @throws {@link UsageError} when the variable is set to anything but an integer >= 1.
 */
export function inputLimit(kind: InputKind, env: NodeJS.ProcessEnv = process.env): ReadLimit {
  const raw = env[MAX_INPUT_BYTES_ENV];
  const base = INPUT_LIMITS[kind];
  if (raw === undefined || raw === '') return { ...base, raise: `set ${MAX_INPUT_BYTES_ENV}=BYTES to allow more` };
  const n = strictInteger(raw);
  if (n === null || n < 1) {
    throw new UsageError(`${MAX_INPUT_BYTES_ENV} must be an integer number of bytes >= 1, got '${raw}'`);
  }
  return { maxBytes: n, name: base.name, raise: `set ${MAX_INPUT_BYTES_ENV} higher to allow more` };
}

/**
 * Runs a read of @deeprnn/lm (`readFileWithin` underneath); a file over the limit or not a regular
 * file (a device, a FIFO) becomes one {@link InputError} naming the flag, the file and the limit.
 */
export async function withinLimit<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof SizeLimitError) throw new InputError(`${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Reads a file the user named, as bytes, within the limit of its kind (see {@link inputLimit}). */
export async function readInputBytes(path: string, what: string, kind: InputKind): Promise<Uint8Array> {
  requireInputFile(path, what);
  return withinLimit(what, () => readFileWithin(path, inputLimit(kind)));
}

/**
 * Reads a file the user named, within the limit of its kind, and parses its bytes with `parse`; a
 * missing file, a folder, a device or FIFO, a file over the limit, or any failure of `parse` becomes
 * one {@link InputError} naming the flag, the file and what was expected.
 */
export async function readInputFile<T>(
  path: string,
  what: string,
  expected: string,
  kind: InputKind,
  parse: (bytes: Uint8Array) => T,
): Promise<T> {
  const bytes = await readInputBytes(path, what, kind);
  try {
    return parse(bytes);
  } catch (e) {
    throw new InputError(`${what} ${path}: expected ${expected}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

/** UTF-8 text of some bytes, for the parsers of {@link readInputFile}. */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Writes an output file atomically (temp file + rename); a failure (disk full, say) names the file. */
export async function writeOutputFile(path: string, what: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFileAtomic(
      path,
      typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    );
  } catch (e) {
    throw new OutputError(`${what}: cannot write ${path}: ${reason(e)}`, { cause: e });
  }
}
