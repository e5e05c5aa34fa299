import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Refusal } from './playground-request.js';

/** An open regular file the playground server sends. */
export interface ServedFile {
  /** Its size when opened: the Content-Length sent. */
  readonly size: number;
  /** Reads into `buffer` from byte `position`; resolves with the number of bytes read (0 at the end). */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Releases the file descriptor; called exactly once per opened file. */
  close(): Promise<void>;
}

/**
 * Opens a file to serve: null when it is not a regular file (a folder, a FIFO, a device). With
 * `followLinks: false` a symbolic link as the last segment fails with `ELOOP`. The server takes this as
 * an option so tests can inject read failures.
 */
export type OpenServedFile = (path: string, options: { readonly followLinks: boolean }) => Promise<ServedFile | null>;

/** {@link OpenServedFile} on the real file system. */
export const openServedFile: OpenServedFile = async (path, { followLinks }) => {
  // O_NONBLOCK: opening a FIFO nobody writes must not park a thread-pool thread forever (it is then
  // refused as not a regular file). It changes nothing for regular files.
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW);
  const handle = await open(path, flags);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    return {
      size: info.size,
      read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
};

const NOT_FOUND: Refusal = { status: 404, message: 'not found' };
const LINK: Refusal = { status: 403, message: 'symbolic links are not served' };

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Opens the page file at `segments` under `root` (a real path: no links in it). Refuses symbolic links
 * anywhere below `root` (403) and anything that is not a regular file (404); other failures throw.
 */
export async function openPageFile(
  root: string,
  segments: readonly string[],
  openFile: OpenServedFile,
): Promise<ServedFile | Refusal> {
  const path = join(root, ...segments);
  // The segments are already free of '..' and separators; this guards the join itself.
  if (!path.startsWith(root + sep)) return NOT_FOUND;
  let file: ServedFile | null;
  try {
    file = await openFile(path, { followLinks: false });
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ELOOP') return LINK;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return NOT_FOUND;
    if (code === 'EACCES' || code === 'EPERM') return { status: 403, message: 'not readable' };
    throw e;
  }
  if (file === null) return NOT_FOUND;
  // O_NOFOLLOW covers only the last segment; a linked folder earlier on shows as a different real path.
  const real = await realpath(path).catch(() => null);
  if (real !== path) {
    await file.close();
    return LINK;
  }
  return file;
}
