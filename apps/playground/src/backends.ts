import { BACKEND_CATALOG, type BackendName, catalogEntry, choiceOf, loadBackend } from '@deeprnn/catalog';
import type { Backend } from '@deeprnn/core';
import { pageModuleLoader } from './tfjs-loader.js';

/** A backend the page offers: its engines (fastest first) and how to start it on one, or on the best. */
export interface PageBackend {
  /** The name in the page, in `?check=` and `?train=`. */
  readonly name: string;
  /** Engines or providers, fastest first; `auto` tries them in this order. */
  readonly engines: readonly string[];
  /**
   * Starts the backend; `engine` undefined picks the fastest that starts. `how` is `named` when the
   * visitor (picker, `?check=`, `?train=`) chose this backend, `default` when the page is choosing.
   */
  create(engine?: string, how?: Choice): Promise<Backend>;
}

/** Who chose a backend: the visitor (`named`: honoured on any adapter) or the page (`default`). */
export type Choice = 'named' | 'default';

/** What the page says when the visitor's named WebGPU backend runs on a software adapter. */
export const SOFTWARE_ADAPTER_NOTICE =
  'software adapter: this WebGPU runs on the CPU (SwiftShader), slower than the CPU engines';

let pageWasmThreads: number | undefined;

/**
 * The WebAssembly threads tfjs's wasm engine and onnxruntime-web's wasm provider start with in this
 * page (`?threads=N`); both fix the count when their wasm first starts, so it is set once, before any
 * backend starts. Undefined: each library's default (tfjs: half the cores, at most 8; ORT: min(4, half the cores)).
 */
export function setPageWasmThreads(threads: number | undefined): void {
  pageWasmThreads = threads;
}

/** True when the page's WebGPU adapter runs on the CPU (Chromium's SwiftShader, or a fallback adapter). */
async function isSoftwareAdapter(): Promise<boolean> {
  type PageAdapter = { readonly isFallbackAdapter?: boolean; readonly info?: { readonly architecture?: string } };
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<PageAdapter | null> } } | undefined)?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return false;
  return adapter.isFallbackAdapter === true || /swiftshader/i.test(adapter.info?.architecture ?? '');
}

// The page tries its default in this order: deeprnn's own WGSL kernels first, the float64 oracle last.
const PAGE_ORDER: readonly BackendName[] = ['webgpu', 'tfjs', 'onnxruntime', 'reference'];

/**
 * Starts `name` on `engine` through the catalog, with the page's module loader for tfjs's engines.
 * The page's own default passes over our WebGPU kernels on a software adapter (on SwiftShader the CPU
 * engines win); a visitor who names them gets them, with a notice saying the adapter is software.
 */
async function createOnPage(name: BackendName, engine: string | undefined, how: Choice): Promise<Backend> {
  const isSoftware = name === 'webgpu' && (await isSoftwareAdapter());
  if (isSoftware && how === 'default') {
    throw new Error('the WebGPU adapter is software (SwiftShader): the CPU engines are faster');
  }
  const backend = await loadBackend(choiceOf(name, engine, 'browser'), {
    platform: 'browser',
    tfjsLoader: pageModuleLoader,
    ...(pageWasmThreads === undefined ? {} : { wasmThreads: pageWasmThreads }),
  });
  return isSoftware ? withNotice(backend, SOFTWARE_ADAPTER_NOTICE) : backend;
}

/** `backend` with one more notice (the backend's own stay first). */
function withNotice(backend: Backend, notice: string): Backend {
  const notices = [...backend.notices, notice];
  return new Proxy(backend, {
    // Methods are bound to the backend itself: a class's private fields are not on the proxy.
    get: (target, key) => {
      if (key === 'notices') return notices;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Every backend of the page, in the order the page tries them for its default: the catalog's
 * backends (@deeprnn/catalog, the list the CLI reads too) with their browser engines.
 */
export const PAGE_BACKENDS: readonly PageBackend[] = PAGE_ORDER.map((name) => ({
  name,
  engines: catalogEntry(name).variants.browser,
  create: (engine?: string, how: Choice = 'named') => createOnPage(name, engine, how),
}));

// Every catalog backend is on the page: a new one shows in the picker, `?check=` and `?train=`.
if (PAGE_BACKENDS.length !== BACKEND_CATALOG.length)
  throw new Error('playground: PAGE_ORDER lacks a backend of @deeprnn/catalog');

/** The page backend called `name`; throws a one-line error naming the known ones. */
export function pageBackend(name: string): PageBackend {
  const found = PAGE_BACKENDS.find((b) => b.name === name);
  if (!found) throw new Error(`unknown backend '${name}' (known: ${PAGE_BACKENDS.map((b) => b.name).join(', ')})`);
  if (found.engines.length === 0) throw new Error(`backend '${name}' has no engines`);
  return found;
}
