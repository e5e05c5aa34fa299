import {
  BACKEND_NAMES,
  type BackendChoice as CatalogChoice,
  type BackendName,
  DTYPES,
  ORT_PROVIDERS,
  TFJS_ENGINES,
  isBackendName,
  loadBackend as loadFromCatalog,
} from '@deeprnn/catalog';
import type { Backend } from '@deeprnn/core';

// The backends and their variants come from @deeprnn/catalog, the one list the playground reads too.
// To add a backend: add it there; its options (if any) go in BackendChoice and backend-options.ts.

export { BACKEND_NAMES, type BackendName, DTYPES, isBackendName };

/** One of {@link DTYPES}. */
export type Dtype = (typeof DTYPES)[number];
/** A tfjs engine. */
export type Engine = (typeof TFJS_ENGINES)[number];
/** tfjs engines, in the backend's default order. */
export const ENGINES: readonly Engine[] = TFJS_ENGINES;
/** An onnxruntime execution provider. */
export type Provider = (typeof ORT_PROVIDERS)[number];
/** onnxruntime execution providers, in the backend's default order. */
export const PROVIDERS: readonly Provider[] = ORT_PROVIDERS;

/** A backend and the options the CLI passes through to it (validated by backend-options.ts). */
export interface BackendChoice extends CatalogChoice {
  readonly dtype?: Dtype;
  readonly engine?: Engine;
  readonly provider?: Provider;
}

/** A backend plus the one-line notices it produced while starting (its `notices`, fallbacks and why). */
export interface LoadedBackend {
  readonly backend: Backend;
  readonly notices: readonly string[];
}

/**
 * Loads a backend by name (lazily, through the catalog, so tfjs never loads for an onnxruntime run).
 *
 * @throws {@link UnknownBackendError} for a name no package provides.
 */
export async function loadBackend(choice: BackendChoice): Promise<LoadedBackend> {
  const backend = await loadFromCatalog(choice, { platform: 'node' });
  return { backend, notices: backend.notices };
}
