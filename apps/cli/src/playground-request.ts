import type { IncomingMessage } from 'node:http';

// The playground server trusts no request, local or not: a page on another site can make the browser
// send anything to 127.0.0.1, and a DNS-rebinding page can even read the answers under its own host
// name. So the method, the Host header, the size and every path segment are checked before any file
// is touched.

/** The longest request target (path and query) accepted; the page's own URLs are far shorter. */
export const MAX_URL_LENGTH = 2048;

/**
 * A request the server answers with an error status and a one-line text body. The server closes the
 * connection after it, so a body it never read cannot be parsed as the next request.
 */
export interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request that passed every check: the decoded path segments under the page's folder. */
export interface PageRequest {
  readonly isHead: boolean;
  /** Decoded, never empty, none of them `.`, `..` or holding `/`, `\` or NUL; a trailing `/` adds `index.html`. */
  readonly segments: readonly string[];
}

// Host names a browser sends for this server itself; a rebinding attacker's page sends its own name.
// Any port is accepted (an SSH tunnel may forward another one): the name is what rebinding cannot fake.
const LOCAL_HOST = /^(?:127\.0\.0\.1|localhost)(?::\d{1,5})?$/i;
const FORBIDDEN_IN_SEGMENT = /[/\\\0]/;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Splits and decodes the path of a request target; a Refusal when any segment is malformed or escapes. */
function pathSegments(target: string): Refusal | string[] {
  if (!target.startsWith('/')) return { status: 400, message: 'expected a request target starting with /' };
  const raw = target.replace(/[?#].*$/s, '');
  // A raw backslash is a separator on Windows and in some clients' normalisation: never a file name here.
  if (raw.includes('\\')) return { status: 400, message: 'a backslash in the path is refused' };
  const parts = raw.slice(1).split('/');
  const segments: string[] = [];
  for (const [i, part] of parts.entries()) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { status: 400, message: 'malformed percent-encoding in the path' };
    }
    if (segment === '.' || segment === '..' || FORBIDDEN_IN_SEGMENT.test(segment)) {
      return { status: 400, message: 'the path must stay inside the page (no ., .., encoded /, \\ or NUL)' };
    }
    if (segment !== '') segments.push(segment);
    else if (i === parts.length - 1) segments.push('index.html');
  }
  return segments;
}

/**
 * Checks one request: target length (414), Host (421), method (405 with `Allow`), body (413) and path
 * (400). Returns what to serve, or the refusal to send.
 */
export function checkRequest(req: IncomingMessage): Refusal | PageRequest {
  const target = req.url ?? '/';
  if (target.length > MAX_URL_LENGTH)
    return { status: 414, message: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  const host = req.headers.host;
  if (host === undefined || !LOCAL_HOST.test(host)) {
    return { status: 421, message: 'this server answers only to the hosts 127.0.0.1 and localhost' };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return {
      status: 405,
      message: `method ${req.method ?? '?'} is not allowed (GET, HEAD)`,
      headers: { Allow: 'GET, HEAD' },
    };
  }
  if (hasBody(req)) return { status: 413, message: 'requests with a body are refused' };
  const segments = pathSegments(target);
  return Array.isArray(segments) ? { isHead: req.method === 'HEAD', segments } : segments;
}

/** Whether a check (of a request, or of the file it names) refused it. */
export function isRefusal<T extends object>(r: Refusal | T): r is Refusal {
  return 'status' in r;
}
