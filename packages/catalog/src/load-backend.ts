import type { ModuleLoader } from '@deeprnn/backend-tfjs';
import { type Backend, ConfigError, UnknownBackendError, createReferenceBackend } from '@deeprnn/core';
import { BACKEND_NAMES, type Platform, catalogEntry, isBackendName } from './catalog.js';

/** A backend and the variant to start it on; an absent variant means the first that starts. */
export interface BackendChoice {
  /** The backend: one of {@link BACKEND_NAMES}; for any other name {@link loadBackend} throws `UnknownBackendError`. */
  readonly name: string;
  /** Reference: float32 or float64 (default float32). */
  readonly dtype?: 'float32' | 'float64';
  /** A tfjs engine. */
  readonly engine?: string;
  /** An onnxruntime execution provider. */
  readonly provider?: string;
}

/** Options of {@link loadBackend}. */
export interface LoadOptions {
  /** Which variant lists apply; default 'node'. */
  readonly platform?: Platform;
  /** How tfjs loads its optional engine packages (a page passes its bundler's imports). */
  readonly tfjsLoader?: ModuleLoader;
  /**
   * WebAssembly threads of tfjs's wasm engine and onnxruntime-web's wasm provider (`browser` only: both
   * fix the count when their wasm first starts in the page, and need a cross-origin isolated page for
   * more than one). Absent: each library's default. Ignored on `node`, where ONNX Runtime's threads
   * are its intra-op threads and tfjs's wasm runs one.
   */
  readonly wasmThreads?: number;
}

/**
 * The choice that starts `name` on `variant` (its engine, provider or dtype), checked against the
 * catalog's list for `platform`; `variant` undefined leaves the pick to the backend.
 *
 * @throws {@link @deeprnn/core!UnknownBackendError | UnknownBackendError} for an unknown name;
 *   {@link @deeprnn/core!ConfigError | ConfigError} for a variant the backend lacks.
 */
export function choiceOf(name: string, variant: string | undefined, platform: Platform = 'node'): BackendChoice {
  const entry = catalogEntry(name);
  if (variant === undefined) return { name };
  const known = entry.variants[platform];
  if (!known.includes(variant))
    throw new ConfigError(`backend '${name}' has no variant '${variant}' on ${platform} (known: ${known.join(', ')})`);
  if (entry.variantKind === null) return { name };
  return entry.variantKind === 'dtype'
    ? { name, dtype: variant as 'float32' | 'float64' }
    : { name, [entry.variantKind]: variant };
}

/**
 * Starts a backend by name. Packages load lazily (a dynamic import each), so tfjs never loads for an
 * onnxruntime run; the backend's `notices` say why faster variants were skipped.
 *
 * @param choice - the name and, optionally, the variant (validated by the backend itself).
 * @param options - the platform and tfjs's module loader.
 * @returns the started backend.
 * @throws {@link @deeprnn/core!UnknownBackendError | UnknownBackendError} for a name no package provides;
 *   {@link @deeprnn/core!BackendInitError | BackendInitError} when it cannot start.
 * @example
 * ```ts
 * await using backend = await loadBackend({ name: 'tfjs', engine: 'wasm' });
 * ```
 */
export async function loadBackend(choice: BackendChoice, options: LoadOptions = {}): Promise<Backend> {
  const name = choice.name;
  if (!isBackendName(name)) throw new UnknownBackendError(name, { known: BACKEND_NAMES });
  switch (name) {
    case 'reference':
      return createReferenceBackend({ dtype: choice.dtype ?? 'float32' });
    case 'onnxruntime': {
      const mod = await import('@deeprnn/backend-onnxruntime');
      // In a page the bundler resolves the browser entry, whose providers are webgpu and wasm.
      const providers = choice.provider === undefined ? {} : { executionProviders: [choice.provider as 'cpu'] };
      // The browser entry's options add wasmThreads; the Node entry's types do not know it.
      const threads = browserThreads(options);
      return mod.createBackend({
        ...providers,
        ...(threads === undefined ? {} : { wasmThreads: threads }),
      } as Parameters<typeof mod.createBackend>[0]);
    }
    case 'tfjs': {
      const mod = await import('@deeprnn/backend-tfjs');
      const threads = browserThreads(options);
      return mod.createBackend({
        ...(choice.engine === undefined ? {} : { engines: [choice.engine as 'cpu'] }),
        ...(options.tfjsLoader === undefined ? {} : { loader: options.tfjsLoader }),
        ...(threads === undefined ? {} : { wasmThreads: threads }),
      });
    }
    case 'webgpu': {
      const mod = await import('@deeprnn/backend-webgpu');
      return mod.createBackend();
    }
    default:
      throw new UnknownBackendError(name satisfies never, { known: BACKEND_NAMES });
  }
}

/** The wasm thread count to pass on, in a page only. */
function browserThreads(options: LoadOptions): number | undefined {
  return options.platform === 'browser' ? options.wasmThreads : undefined;
}
