/**
 * Loads an optional package by its specifier (`@tensorflow/tfjs-backend-wasm`, `webgpu`, ...) and
 * resolves to its module namespace; rejects when the package is not installed or fails to load.
 * Injected in tests so engine selection runs without the real engines.
 */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

/** The default {@link ModuleLoader}: a plain dynamic `import()`, so optional engines load lazily. */
export const importModule: ModuleLoader = (specifier: string): Promise<unknown> => import(specifier);

/** Reads a named export of a loaded module, or undefined when the module has none. */
export function moduleExport(mod: unknown, name: string): unknown {
  if ((typeof mod !== 'object' && typeof mod !== 'function') || mod === null) return undefined;
  const direct = (mod as Record<string, unknown>)[name];
  if (direct !== undefined) return direct;
  // CommonJS packages loaded through import() may expose their exports under `default` only.
  const fallback = (mod as Record<string, unknown>).default;
  return typeof fallback === 'object' && fallback !== null ? (fallback as Record<string, unknown>)[name] : undefined;
}
