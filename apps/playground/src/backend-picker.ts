import type { Backend } from '@deeprnn/core';
import { type Choice, PAGE_BACKENDS, type PageBackend, pageBackend } from './backends.js';
import { byId, oneLine } from './dom.js';

/** A started backend and what the page shows about it. */
export interface StartedBackend {
  readonly page: PageBackend;
  /** The engine asked for; undefined when the page chose. */
  readonly engine: string | undefined;
  readonly backend: Backend;
  /** One line, e.g. `tfjs on wasm (simd, 1 thread)`. */
  readonly label: string;
  readonly notices: readonly string[];
}

const AUTO = 'auto';

function noticesOf(backend: Backend): string[] {
  // tfjs's Node engines are never in a page; saying so for each is noise.
  return backend.notices.filter((n) => !n.startsWith('tfjs-node'));
}

/**
 * Starts `name` on `engine` (undefined: the backend's own fastest that starts). `how` says who chose
 * it: a backend the visitor named runs even on a software WebGPU adapter.
 */
export async function startBackend(
  name: string,
  engine: string | undefined,
  how: Choice = 'named',
): Promise<StartedBackend> {
  const page = pageBackend(name);
  if (engine !== undefined && !page.engines.includes(engine)) {
    throw new Error(`backend '${name}' has no engine '${engine}' (engines: ${page.engines.join(', ')})`);
  }
  const backend = await page.create(engine, how);
  return { page, engine, backend, label: `${page.name} on ${backend.device}`, notices: noticesOf(backend) };
}

/**
 * The page's default: the first backend in {@link PAGE_BACKENDS} order that starts with its own
 * fastest engine; the failures of those before it become notices.
 */
export async function startFastest(): Promise<StartedBackend> {
  const skipped: string[] = [];
  for (const page of PAGE_BACKENDS) {
    try {
      const started = await startBackend(page.name, undefined, 'default');
      return { ...started, notices: [...skipped, ...started.notices] };
    } catch (e) {
      skipped.push(`${page.name}: ${oneLine(e)}`);
    }
  }
  throw new Error(`no backend started: ${skipped.join('; ')}`);
}

/** Fills the backend and engine pickers; `auto` lets the backend choose its engine. */
export function fillPickers(selected?: { name: string; engine: string | undefined }): void {
  const backendSelect = byId<HTMLSelectElement>('backend');
  const engineSelect = byId<HTMLSelectElement>('engine');
  backendSelect.innerHTML = PAGE_BACKENDS.map((b) => `<option>${b.name}</option>`).join('');
  const fillEngines = (): void => {
    const page = pageBackend(backendSelect.value);
    engineSelect.innerHTML = [AUTO, ...page.engines].map((e) => `<option>${e}</option>`).join('');
  };
  backendSelect.onchange = fillEngines;
  if (selected) backendSelect.value = selected.name;
  fillEngines();
  engineSelect.value = selected?.engine ?? AUTO;
}

/** The pickers' current choice. */
export function pickedBackend(): { name: string; engine: string | undefined } {
  const engine = byId<HTMLSelectElement>('engine').value;
  return { name: byId<HTMLSelectElement>('backend').value, engine: engine === AUTO ? undefined : engine };
}

/** Shows the running backend and its notices. */
export function showBackend(started: StartedBackend): void {
  byId('device').textContent = started.label;
  byId('notices').innerHTML = started.notices.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
}

/** Text made safe for innerHTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
