import { createBackend as createOnnxruntime } from '@deeprnn/backend-onnxruntime';
import { type EngineName, createBackend as createTfjs } from '@deeprnn/backend-tfjs';
import { createBackend as createWebgpu } from '@deeprnn/backend-webgpu';
import { type Backend, createReferenceBackend } from '@deeprnn/core';
import { pageModuleLoader } from './tfjs-loader.js';

/** A backend the page offers: its engines (fastest first) and how to start it on one, or on the best. */
export interface PageBackend {
  /** The name in the page, in `?check=` and `?train=`. */
  readonly name: string;
  /** Engines or providers, fastest first; `auto` tries them in this order. */
  readonly engines: readonly string[];
  /** Starts the backend; `engine` undefined picks the fastest that starts. */
  create(engine?: string): Promise<Backend>;
}

/** True when the page's WebGPU adapter runs on the CPU (Chromium's SwiftShader, or a fallback adapter). */
async function isSoftwareAdapter(): Promise<boolean> {
  type PageAdapter = { readonly isFallbackAdapter?: boolean; readonly info?: { readonly architecture?: string } };
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<PageAdapter | null> } } | undefined)?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return false;
  return adapter.isFallbackAdapter === true || /swiftshader/i.test(adapter.info?.architecture ?? '');
}

const TFJS_ENGINES: readonly EngineName[] = ['webgpu', 'wasm', 'cpu'];

/**
 * Every backend of the page, in the order the page tries them for its default. Add a backend here and
 * it shows in the picker, `?check=` and `?train=`.
 */
export const PAGE_BACKENDS: readonly PageBackend[] = [
  {
    // deeprnn's own WGSL kernels on the page's WebGPU adapter (navigator.gpu).
    name: 'webgpu',
    engines: ['webgpu'],
    // Unnamed (the page's default), a software adapter is passed over: on SwiftShader the CPU engines win.
    create: async (engine) => {
      if (engine === undefined && (await isSoftwareAdapter())) throw new Error('the WebGPU adapter is software (SwiftShader): the CPU engines are faster');
      return createWebgpu();
    },
  },
  {
    name: 'tfjs',
    engines: TFJS_ENGINES,
    // Unnamed, tfjs tries its own order and skips a software WebGPU adapter (wasm is faster there).
    create: (engine) => createTfjs(engine === undefined ? { loader: pageModuleLoader } : { engines: [engine as EngineName], loader: pageModuleLoader }),
  },
  {
    name: 'onnxruntime',
    engines: ['webgpu', 'wasm'],
    create: (engine) => createOnnxruntime(engine === undefined ? {} : { executionProviders: [engine as 'webgpu' | 'wasm'] }),
  },
  {
    name: 'reference',
    engines: ['float32', 'float64'],
    create: async (engine) => createReferenceBackend(engine === 'float64' ? { dtype: 'float64' } : { dtype: 'float32' }),
  },
];

/** The page backend called `name`; throws a one-line error naming the known ones. */
export function pageBackend(name: string): PageBackend {
  const found = PAGE_BACKENDS.find((b) => b.name === name);
  if (!found) throw new Error(`unknown backend '${name}' (known: ${PAGE_BACKENDS.map((b) => b.name).join(', ')})`);
  if (found.engines.length === 0) throw new Error(`backend '${name}' has no engines`);
  return found;
}
