/**
 * The one list of deeprnn backends and how to start each by name: the CLI and the playground both
 * read it, so they offer the same backends with the same engine lists (per platform).
 *
 * @packageDocumentation
 */
export {
  BACKEND_CATALOG,
  BACKEND_NAMES,
  type BackendName,
  type CatalogEntry,
  DTYPES,
  ORT_PROVIDERS,
  type Platform,
  TFJS_ENGINES,
  type VariantKind,
  catalogEntry,
  isBackendName,
} from './catalog.js';
export { type BackendChoice, type LoadOptions, choiceOf, loadBackend } from './load-backend.js';
