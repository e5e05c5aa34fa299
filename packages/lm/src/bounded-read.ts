import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { FormatError, SizeLimitError } from '@deeprnn/core';

// Every file deeprnn reads goes through here. A path can name something that never ends (/dev/zero,
// /dev/urandom) or never answers (a FIFO nobody writes); `readFile` would grow without bound or block
// forever on those. So a file is opened without blocking, must be a regular file, and is read up to a
// byte limit decided before reading.

/** How much {@link readFileWithin} may read, and what to tell the user when a file is over it. */
export interface ReadLimit {
  /** Most bytes to read; a larger file is refused before reading. */
  readonly maxBytes: number;
  /** Names the limit in the error, e.g. `corpus limit`. */
  readonly name: string;
  /** How to raise it, e.g. `pass a larger maxBytes to readCorpus`. */
  readonly raise: string;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(n: number): string {
  return n >= 2 ** 20 ? ` (${(n / 2 ** 20).toFixed(1)} MiB)` : '';
}

/**
 * Reads a whole regular file, refusing anything larger than `limit.maxBytes` before reading it.
 *
 * @remarks Devices, FIFOs and sockets are refused rather than read with the cap: the file is opened
 * with `O_NONBLOCK`, so opening a FIFO nobody writes returns at once, and the check runs on the open
 * descriptor (no window between the check and the read). A file that grows while it is read is read
 * up to the limit plus one byte, never further.
 * @param path - the file.
 * @param limit - the most bytes to read, the limit's name and how to raise it.
 * @returns the file's bytes.
 * @throws {@link SizeLimitError} naming the file, its size and the limit, or saying it is not a
 *   regular file (a device, a FIFO, a folder: nothing to check before reading); {@link FormatError} for
 *   a file that changed while it was read. Errors of `open` (ENOENT, EACCES) pass through as Node
 *   raises them.
 */
export async function readFileWithin(path: string, limit: ReadLimit): Promise<Uint8Array> {
  const max = limit.maxBytes;
  if (!(Number.isSafeInteger(max) && max >= 0)) {
    throw new SizeLimitError(`${path}: the ${limit.name} must be a whole number of bytes >= 0, got ${String(max)}`);
  }
  // O_NONBLOCK is undefined on Windows, where opening a named pipe does not wait for a writer.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      // A size-limit refusal too: a device or pipe has no size to check, and may never end or never answer.
      throw new SizeLimitError(
        `${path} is ${kindOf(st)}, expected a regular file (only a regular file's size can be checked against the ${limit.name} before reading)`,
      );
    }
    const tooBig = (bytes: string): SizeLimitError =>
      new SizeLimitError(
        `${path} is ${bytes} bytes, over the ${limit.name} of ${max} bytes${mib(max)}; ${limit.raise}`,
      );
    if (st.size > max) throw tooBig(String(st.size));
    const buffer = new Uint8Array(st.size + 1);
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > max) throw tooBig(`more than ${max}`);
    if (total !== st.size)
      throw new FormatError(`${path} changed while it was read (${st.size} bytes when opened, ${total} read)`);
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a whole regular file as UTF-8 text, within a limit (see {@link readFileWithin}).
 *
 * @throws {@link SizeLimitError} or {@link FormatError} as {@link readFileWithin}.
 */
export async function readTextWithin(path: string, limit: ReadLimit): Promise<string> {
  return new TextDecoder().decode(await readFileWithin(path, limit));
}
