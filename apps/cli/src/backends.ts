import type { EngineName } from '@deeprnn/backend-tfjs';
import type { ExecutionProvider } from '@deeprnn/backend-onnxruntime';
import { type Backend, UnknownBackendError, createReferenceBackend } from '@deeprnn/core';

// The only place that maps backend names to packages. To add a backend: its name in BACKEND_NAMES,
// its options (if any) in BackendChoice and backend-options.ts, and one case in loadBackend.

/** Backend names the CLI knows. */
export const BACKEND_NAMES = ['reference', 'onnxruntime', 'tfjs', 'webgpu'] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Precisions of the reference backend. */
export const DTYPES = ['float32', 'float64'] as const;
/** One of {@link DTYPES}. */
export type Dtype = (typeof DTYPES)[number];

// Keyed tables so that the compiler refuses an engine or provider the packages know but the CLI does not
// list (or one they do not know); the type-only imports keep tfjs and onnxruntime unloaded.
const ENGINE_TABLE: Readonly<Record<EngineName, true>> = { 'tfjs-node-gpu': true, 'tfjs-node': true, webgpu: true, wasm: true, cpu: true };
const PROVIDER_TABLE: Readonly<Record<ExecutionProvider, true>> = { cuda: true, webgpu: true, cpu: true };

/** A tfjs engine. */
export type Engine = EngineName;
/** tfjs engines, in the backend's default order. */
export const ENGINES: readonly Engine[] = Object.keys(ENGINE_TABLE) as Engine[];

/** An onnxruntime execution provider. */
export type Provider = ExecutionProvider;
/** onnxruntime execution providers, in the backend's default order. */
export const PROVIDERS: readonly Provider[] = Object.keys(PROVIDER_TABLE) as Provider[];

/** A backend and the options the CLI passes through to it (validated by backend-options.ts). */
export interface BackendChoice {
  readonly name: string;
  /** Reference: float32 or float64. */
  readonly dtype?: Dtype;
  /** tfjs engine. */
  readonly engine?: Engine;
  /** onnxruntime execution provider. */
  readonly provider?: Provider;
}

/** A backend plus the one-line notices it produced while starting (fallbacks and why). */
export interface LoadedBackend {
  readonly backend: Backend;
  readonly notices: readonly string[];
}

/** True when `name` is one of {@link BACKEND_NAMES}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/**
 * Loads a backend by name. Packages load lazily, so tfjs never loads for an onnxruntime run.
 *
 * @throws {@link UnknownBackendError} for a name no package provides.
 */
export async function loadBackend(choice: BackendChoice): Promise<LoadedBackend> {
  const name = choice.name;
  if (!isBackendName(name)) throw new UnknownBackendError(name);
  switch (name) {
    case 'reference':
      return { backend: createReferenceBackend({ dtype: choice.dtype ?? 'float32' }), notices: [] };
    case 'onnxruntime': {
      const mod = await import('@deeprnn/backend-onnxruntime');
      const backend = await mod.createBackend(choice.provider ? { executionProviders: [choice.provider] } : {});
      return { backend, notices: backend.notices };
    }
    case 'tfjs': {
      const mod = await import('@deeprnn/backend-tfjs');
      const backend = await mod.createBackend(choice.engine ? { engines: [choice.engine] } : {});
      return { backend, notices: backend.notices };
    }
    case 'webgpu': {
      const mod = await import('@deeprnn/backend-webgpu');
      return { backend: await mod.createBackend(), notices: [] };
    }
    default:
      throw new UnknownBackendError(name satisfies never);
  }
}
