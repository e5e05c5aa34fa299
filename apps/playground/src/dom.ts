import { errorLine } from './error-line.js';

/** The element with `id`, typed; throws when the page lacks it (a broken build, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/**
 * The first line of an error: what the status line and document.title show. Errors are named by their
 * code (`E_FORMAT: safetensors: ...`), never by their minified class name ({@link errorLine}).
 */
export function oneLine(e: unknown): string {
  return errorLine(e);
}

/** Shows progress or an outcome in the status line. */
export function status(text: string): void {
  const line = byId('status');
  line.classList.remove('error');
  line.textContent = text;
}

/** Shows an error as one line, never a blank page. */
export function showError(e: unknown): void {
  const line = byId('status');
  line.classList.add('error');
  line.textContent = oneLine(e);
}

/** Runs `work` with `button` disabled; an error becomes the status line. */
export async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    showError(e);
  }
}

/** Saves bytes or text as a file download. */
export function download(name: string, data: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
