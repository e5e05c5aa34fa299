import { type Backend, UnknownBackendError, createReferenceBackend } from '@deeprnn/core';

/** Backend names the CLI knows. */
export const BACKEND_NAMES = ['reference', 'onnxruntime', 'tfjs', 'webgpu'] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options the CLI passes through to a backend. */
export interface BackendChoice {
  readonly name: string;
  /** Reference: float32 or float64. */
  readonly dtype?: 'float32' | 'float64';
  /** tfjs engine (webgpu, wasm, cpu, tfjs-node, tfjs-node-gpu). */
  readonly engine?: string;
  /** onnxruntime execution provider (cuda, webgpu, cpu). */
  readonly provider?: string;
}

/** A backend plus the one-line notices it produced while starting (fallbacks and why). */
export interface LoadedBackend {
  readonly backend: Backend;
  readonly notices: readonly string[];
}

function isBackendName(name: string): name is BackendName {
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
      const backend = await mod.createBackend(
        choice.provider ? { executionProviders: [choice.provider as 'cpu'] } : {},
      );
      return { backend, notices: noticesOf(backend) };
    }
    case 'tfjs': {
      const mod = await import('@deeprnn/backend-tfjs');
      const backend = await mod.createBackend(choice.engine ? { engines: [choice.engine as 'wasm'] } : {});
      return { backend, notices: noticesOf(backend) };
    }
    case 'webgpu': {
      const mod = await import('@deeprnn/backend-webgpu');
      return { backend: await mod.createBackend(), notices: [] };
    }
    default:
      throw new UnknownBackendError(name satisfies never);
  }
}

function noticesOf(backend: Backend): readonly string[] {
  const notices = (backend as { notices?: unknown }).notices;
  return Array.isArray(notices) ? notices.filter((n): n is string => typeof n === 'string') : [];
}
