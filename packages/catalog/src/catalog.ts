import type { ExecutionProvider } from '@deeprnn/backend-onnxruntime';
import type { EngineName } from '@deeprnn/backend-tfjs';
import { UnknownBackendError } from '@deeprnn/core';

/** Where a backend is started: Node (the CLI, tools) or a web page (the playground). */
export type Platform = 'node' | 'browser';

/** Backend names, in the order the CLI lists and checks them. */
export const BACKEND_NAMES: readonly ['reference', 'onnxruntime', 'tfjs', 'webgpu'] = Object.freeze([
  'reference',
  'onnxruntime',
  'tfjs',
  'webgpu',
] as const);

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Which {@link BackendChoice} field picks among a backend's variants. */
export type VariantKind = 'dtype' | 'engine' | 'provider';

/** A backend: its name, what picks a variant of it, and its variants on each platform. */
export interface CatalogEntry {
  /** The backend's name, as {@link BackendChoice.name} and the CLI take it. */
  readonly name: BackendName;
  /** One line for lists and help texts. */
  readonly summary: string;
  /** The choice field that picks a variant; null when the backend has one way to run (its one variant is its name). */
  readonly variantKind: VariantKind | null;
  /**
   * Engines, providers or precisions on each platform, fastest first: unnamed, the backend tries
   * them in this order (the first that starts runs). `[name]` when `variantKind` is null.
   */
  readonly variants: { readonly [P in Platform]: readonly string[] };
}

// Keyed tables, so that the compiler refuses an engine or provider the packages know but the catalog
// does not list (or one they do not know); the type-only imports keep tfjs and onnxruntime unloaded.
const TFJS_NODE: Readonly<Record<EngineName, true>> = {
  'tfjs-node-gpu': true,
  'tfjs-node': true,
  webgpu: true,
  webgl: true,
  wasm: true,
  cpu: true,
};
const ORT_NODE: Readonly<Record<ExecutionProvider, true>> = { cuda: true, webgpu: true, cpu: true };

/** The tfjs engines, in the backend's default order. */
export const TFJS_ENGINES: readonly EngineName[] = Object.freeze(Object.keys(TFJS_NODE) as EngineName[]);
/** The onnxruntime-node execution providers, in the backend's default order. */
export const ORT_PROVIDERS: readonly ExecutionProvider[] = Object.freeze(Object.keys(ORT_NODE) as ExecutionProvider[]);
/** The reference backend's precisions. */
export const DTYPES: readonly ['float32', 'float64'] = Object.freeze(['float32', 'float64'] as const);

/**
 * Every backend, once. The browser lists differ from Node's for real reasons: tfjs-node is a native
 * addon (no page can load it), and onnxruntime-web runs `webgpu` or `wasm` where onnxruntime-node runs
 * `cuda`, `webgpu` or `cpu`.
 */
export const BACKEND_CATALOG: readonly CatalogEntry[] = Object.freeze([
  {
    name: 'reference',
    summary: 'pure TypeScript, float32 or float64: the oracle',
    variantKind: 'dtype',
    variants: { node: DTYPES, browser: DTYPES },
  },
  {
    name: 'onnxruntime',
    summary: 'ONNX Runtime: onnxruntime-node (CUDA, WebGPU, CPU) or onnxruntime-web (WebGPU, wasm)',
    variantKind: 'provider',
    variants: { node: ORT_PROVIDERS, browser: Object.freeze(['webgpu', 'wasm']) },
  },
  {
    name: 'tfjs',
    summary: 'TensorFlow.js: tfjs-node(-gpu), WebGPU, wasm or cpu',
    variantKind: 'engine',
    variants: { node: TFJS_ENGINES, browser: Object.freeze(TFJS_ENGINES.filter((e) => !e.startsWith('tfjs-node'))) },
  },
  {
    name: 'webgpu',
    summary: "deeprnn's own WGSL kernels on a WebGPU adapter",
    variantKind: null,
    variants: { node: Object.freeze(['webgpu']), browser: Object.freeze(['webgpu']) },
  },
] satisfies CatalogEntry[]);

/** True when `name` is one of {@link BACKEND_NAMES}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/**
 * The catalog's entry for `name`.
 *
 * @throws {@link @deeprnn/core!UnknownBackendError | UnknownBackendError} for a name no package provides.
 */
export function catalogEntry(name: string): CatalogEntry {
  const entry = BACKEND_CATALOG.find((e) => e.name === name);
  if (!entry) throw new UnknownBackendError(name, { known: BACKEND_NAMES });
  return entry;
}
