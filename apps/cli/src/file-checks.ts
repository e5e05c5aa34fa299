import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join, resolve } from 'node:path';
import { InputError, OutputError } from './cli-errors.js';

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
  if (statSync(path).isDirectory() && readdirSync(path).length === 0) throw new InputError(`${what}: expected ${expected}, got the empty folder ${path}`);
}

/** Proves a folder writable by creating and removing a file in it (works for root on read-only mounts too). */
function probeWritable(dir: string, what: string): void {
  const probe = join(dir, `.deeprnn-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    throw new OutputError(`${what}: expected a writable folder, but ${dir} cannot be written: ${reason(e)}`, { cause: e });
  }
}

/** An output folder: created when missing (with its parents), then checked writable. */
export function prepareOutputFolder(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OutputError(`${what}: expected a folder, got the file ${dir}`);
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
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputError(`${what}: expected a file in an existing folder, but the folder ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new OutputError(`${what}: expected a file name, got the folder ${path}`);
  probeWritable(dir, what);
}

/**
 * Reads a file the user named with `read` (a parser); a missing file, a folder, or any failure of
 * `read` becomes one {@link InputError} naming the flag, the file and what was expected.
 */
export function readInputFile<T>(path: string, what: string, expected: string, read: (path: string) => T): T {
  requireInputFile(path, what);
  try {
    return read(path);
  } catch (e) {
    throw new InputError(`${what} ${path}: expected ${expected}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Writes an output file atomically (temp file + rename); a failure (disk full, say) names the file. */
export async function writeOutputFile(path: string, what: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFileAtomic(path, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    throw new OutputError(`${what}: cannot write ${path}: ${reason(e)}`, { cause: e });
  }
}
