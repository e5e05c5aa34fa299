import { type EngineContext, type EngineSkip, type StartedEngine, loadOrSkip, setBackendOrSkip } from './engine.js';
import { threadShortfall } from './engine-wasm-threads.js';
import { moduleExport } from './module-loader.js';

/**
 * Starts the wasm engine (XNNPACK kernels compiled to WebAssembly, shipped in the npm package). In a
 * cross-origin isolated page it loads the threaded SIMD build and runs `ctx.wasmThreads` threads
 * (tfjs's default: half the logical cores); in Node its threads cannot start (the worker is loaded from
 * a blob: URL), so it runs one. The count is fixed when tfjs first initialises wasm in the process.
 */
export async function startWasm(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(ctx, '@tensorflow/tfjs-backend-wasm', 'npm install @tensorflow/tfjs-backend-wasm');
  if ('skipped' in loaded) return loaded;
  const setThreads = moduleExport(loaded.mod, 'setThreadsCount');
  // Read at initialisation only; a later backend asking another count gets a note instead.
  if (ctx.wasmThreads !== undefined && typeof setThreads === 'function') setThreads(ctx.wasmThreads);
  const failed = await setBackendOrSkip(ctx, 'wasm', 'wasm');
  if (failed) return failed;
  const simd = (await ctx.tf.flag('WASM_HAS_SIMD_SUPPORT')) === true;
  const isThreadedBuild = simd && (await ctx.tf.flag('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const getThreads = moduleExport(loaded.mod, 'getThreadsCount');
  const threads = typeof getThreads === 'function' ? Number(getThreads()) : 1;
  const features = [simd ? 'simd' : 'no simd', `${threads} thread${threads === 1 ? '' : 's'}`];
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  const shortfall = threadShortfall(ctx.wasmThreads, threads, isThreadedBuild, cores);
  return {
    engine: 'wasm',
    tfBackend: 'wasm',
    device: `wasm (${features.join(', ')})`,
    ...(shortfall === null ? {} : { notes: [shortfall] }),
  };
}

/** Starts the pure-JavaScript cpu engine, which always works and is the slowest. */
export async function startCpu(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(ctx, '@tensorflow/tfjs-backend-cpu', 'npm install @tensorflow/tfjs-backend-cpu');
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'cpu', 'cpu');
  return failed ?? { engine: 'cpu', tfBackend: 'cpu', device: 'cpu' };
}
