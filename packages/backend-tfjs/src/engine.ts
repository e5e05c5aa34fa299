import type { EngineName } from './engine-name.js';
import type { ModuleLoader } from './module-loader.js';

/** The few calls on the tfjs engine that starting an engine needs (injected in tests). */
export interface TfControl {
  /** `tf.setBackend`: resolves false when the backend could not initialise. */
  setBackend(name: string): Promise<boolean>;
  /** `tf.getBackend`: the active tfjs backend. */
  getBackend(): string;
  /** `tf.env().getAsync(flag)`. */
  flag(name: string): Promise<unknown>;
}

/** What an engine starter gets. */
export interface EngineContext {
  /** Imports an engine's optional package (injected in tests). */
  readonly load: ModuleLoader;
  /** The tfjs calls that switch and query the active backend. */
  readonly tf: TfControl;
  /** Accept a software WebGPU adapter (llvmpipe, SwiftShader); true when the caller named webgpu. */
  readonly allowSoftwareGpu: boolean;
  /** Threads for the wasm engine's XNNPACK pool (`setThreadsCount`); undefined: tfjs's default. */
  readonly wasmThreads?: number;
}

/** An engine that started: its tfjs backend is initialised and can be activated synchronously. */
export interface StartedEngine {
  /** Which engine started. */
  readonly engine: EngineName;
  /** The tfjs backend name: `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  readonly tfBackend: string;
  /** What runs, in words: `webgpu (llvmpipe)`, `wasm (simd, 1 thread)`, `cpu`. */
  readonly device: string;
  /** What a user should know about how it started, e.g. why fewer threads run than were asked. */
  readonly notes?: readonly string[];
}

/** Why an engine did not start: one line a user can act on, and the underlying failure if any. */
export interface EngineSkip {
  /** Why it did not start: one line a user can act on. */
  readonly skipped: string;
  /** The failure behind it (a failed import or initialisation), when there was one. */
  readonly cause?: unknown;
}

/** Tries to start one engine. Never throws for a missing package or device: it returns a skip. */
export type EngineStarter = (ctx: EngineContext) => Promise<StartedEngine | EngineSkip>;

/** True when a starter returned a skip. */
export function isSkip(result: StartedEngine | EngineSkip): result is EngineSkip {
  return 'skipped' in result;
}

/** Loads `specifier` and returns its namespace, or a skip saying how to install it. */
export async function loadOrSkip(
  ctx: EngineContext,
  specifier: string,
  hint: string,
): Promise<{ readonly mod: unknown } | EngineSkip> {
  try {
    return { mod: await ctx.load(specifier) };
  } catch (cause) {
    const code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    return { skipped: `${specifier} ${missing ? 'is not installed' : 'failed to load'} (${hint})`, cause };
  }
}

/** Activates a tfjs backend; a failure to initialise becomes a skip. */
export async function setBackendOrSkip(
  ctx: EngineContext,
  tfBackend: string,
  what: string,
): Promise<EngineSkip | null> {
  try {
    if (await ctx.tf.setBackend(tfBackend)) return null;
    return { skipped: `${what}: tf.setBackend('${tfBackend}') resolved false` };
  } catch (cause) {
    return { skipped: `${what}: tf.setBackend('${tfBackend}') threw`, cause };
  }
}
