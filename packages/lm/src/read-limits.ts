import { FormatError, SizeLimitError } from '@deeprnn/core';

// Browser-safe half of the bounded reads (the file half is bounded-read.ts, Node only): the default
// limits, and a reader of an HTTP body that stops at the limit instead of buffering whatever arrives.

/** Default limit of a corpus text: 64 MiB, far beyond what a character model trains on here. */
export const MAX_CORPUS_BYTES: number = 64 * 2 ** 20;

/** Default limit of a small JSON file (a config, a vocabulary): 16 MiB. */
export const MAX_JSON_BYTES: number = 16 * 2 ** 20;

/** What {@link readResponseWithin} needs of a fetch `Response`. */
export interface BoundedBody {
  /** Only `content-length` is read, to refuse an over-long body before reading it. */
  readonly headers: {
    /** The header's value, or null when absent. */
    get(name: string): string | null;
  };
  /** The body's byte stream, or null when the response has none. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Reads an HTTP response body, at most `maxBytes`: a `Content-Length` over the limit is refused before
 * reading, and a body without one is read chunk by chunk and cancelled as soon as it passes the limit.
 *
 * @param source - names the URL in errors.
 * @returns the body's bytes.
 * @throws {@link @deeprnn/core!SizeLimitError | SizeLimitError} naming the URL and the limit;
 *   {@link @deeprnn/core!FormatError | FormatError} when there is no body.
 */
export async function readResponseWithin(
  response: BoundedBody,
  source: string,
  maxBytes: number,
  raise: string,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const tooBig = (what: string): SizeLimitError =>
    new SizeLimitError(`${source} is ${what} bytes, over the corpus limit of ${maxBytes} bytes; ${raise}`);
  if (declared > maxBytes) throw tooBig(String(declared));
  if (response.body === null) throw new FormatError(`${source}: the response has no body`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooBig(`more than ${maxBytes}`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
