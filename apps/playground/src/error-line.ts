import { RnnError } from '@deeprnn/core';

// The built page is minified: `constructor.name` of core's errors becomes 'A' or 'q', so it never goes
// on screen. What survives minification is data: an RnnError's stable `code`, and the names the
// platform itself sets on its own errors.
const PLATFORM_NAMES: ReadonlySet<string> = new Set([
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);
const CODE = /^E_[A-Z0-9_]+$/;

/**
 * What an error line starts with: an RnnError's `code` (`E_SHAPE`), also from another bundled copy of
 * core, else a built-in or DOMException name (`TypeError`, `AbortError`); null for anything else.
 */
export function errorLabel(e: Error): string | null {
  if (e instanceof RnnError) return e.code;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && CODE.test(code)) return code;
  if (PLATFORM_NAMES.has(e.name)) return e.name;
  if (typeof DOMException !== 'undefined' && e instanceof DOMException) return e.name;
  return null;
}

/** The first line of an error, labelled by {@link errorLabel}, at most 300 characters. */
export function errorLine(e: unknown): string {
  const label = e instanceof Error ? errorLabel(e) : null;
  const message = e instanceof Error ? e.message : String(e);
  const text = label === null ? message : message === '' ? label : `${label}: ${message}`;
  return text.split('\n')[0]!.slice(0, 300);
}
