import { FormatError, SizeLimitError } from '@deeprnn/core';

/**
 * Fetches a URL's body, at most `maxBytes`: a `Content-Length` over the limit is refused before
 * reading, and a body is read chunk by chunk and cancelled as soon as it passes the limit, so a server
 * (or a hostile model.json naming a huge shard) cannot make us buffer without bound.
 *
 * @throws {@link FormatError} for an HTTP error or a failed fetch; {@link SizeLimitError} over the limit.
 */
export async function fetchWithin(
  url: URL,
  maxBytes: number,
  option: 'maxBytes' | 'maxJsonBytes',
): Promise<Uint8Array> {
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new FormatError(`keras: fetching ${url.href} failed`, { cause: e });
  }
  if (!r.ok) throw new FormatError(`keras: fetching ${url.href}: HTTP ${r.status}`);
  const tooBig = (n: string): SizeLimitError =>
    new SizeLimitError(
      `keras: ${url.href} is ${n} bytes, over the limit of ${maxBytes} bytes; pass a larger \`${option}\` to allow more`,
    );
  const declared = Number(r.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooBig(String(declared));
  if (r.body === null) return new Uint8Array(0);
  const reader = r.body.getReader();
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
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Parses JSON bytes, a {@link FormatError} naming `what` when they are not JSON. */
export function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new FormatError(`keras: ${what} is not JSON`, { cause: e });
  }
}
