import type { ServerResponse } from 'node:http';
import { InputError } from './cli-errors.js';
import { SAFETY_HEADERS } from './playground-headers.js';
import type { ServedFile } from './playground-files.js';

/** Bytes read and written per step; the page's largest file (onnxruntime's wasm) is about 27 MB. */
const CHUNK_BYTES = 256 * 1024;

async function readChunk(file: ServedFile, position: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.min(CHUNK_BYTES, file.size - position));
  if (buffer.length === 0) return buffer;
  const n = await file.read(buffer, position);
  if (n === 0) throw new InputError(`the file shrank to ${position} bytes while it was sent (${file.size} announced)`);
  return buffer.subarray(0, n);
}

/** Resolves when the response can take more bytes, or when its connection is gone. */
function writable(res: ServerResponse, isClosed: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (isClosed()) {
      resolve();
      return;
    }
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `file` as a 200 answer (headers only for HEAD) and closes it, whatever happens: a client that
 * drops the connection mid-download ends the loop and the descriptor is released. The first chunk is
 * read before any header is written, so a file that cannot be read throws while a 500 can still be
 * sent; a later failure throws after the headers went out (the caller then drops the connection).
 *
 * @throws whatever `file.read` throws, and {@link InputError} when the file shrinks while it is sent.
 */
export async function sendFile(res: ServerResponse, file: ServedFile, type: string, isHead: boolean): Promise<void> {
  let isClosed = false;
  const onClose = (): void => {
    isClosed = true;
  };
  res.once('close', onClose);
  try {
    let chunk = isHead ? new Uint8Array(0) : await readChunk(file, 0);
    res.writeHead(200, { ...SAFETY_HEADERS, 'Content-Type': type, 'Content-Length': file.size });
    if (isHead) {
      res.end();
      return;
    }
    let position = chunk.length;
    // Checked before each write too: the client may leave while a chunk is read, and a write to a
    // closed response would raise an error event.
    for (;;) {
      if (isClosed) return;
      if (!res.write(chunk)) await writable(res, () => isClosed);
      if (isClosed) return;
      if (position >= file.size) break;
      chunk = await readChunk(file, position);
      position += chunk.length;
    }
    res.end();
  } finally {
    res.off('close', onClose);
    await file.close();
  }
}
