import { type EngineContext, type EngineSkip, type StartedEngine, loadOrSkip, setBackendOrSkip } from './engine.js';
import { moduleExport } from './module-loader.js';

/**
 * Starts the wasm engine (XNNPACK kernels compiled to WebAssembly, shipped in the npm package).
 * In Node its threads cannot start (the worker is loaded from a blob: URL), so it runs one thread.
 */
export async function startWasm(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(ctx, '@tensorflow/tfjs-backend-wasm', 'npm install @tensorflow/tfjs-backend-wasm');
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'wasm', 'wasm');
  if (failed) return failed;
  const simd = (await ctx.tf.flag('WASM_HAS_SIMD_SUPPORT')) === true;
  const getThreads = moduleExport(loaded.mod, 'getThreadsCount');
  const threads = typeof getThreads === 'function' ? Number(getThreads()) : 1;
  const features = [simd ? 'simd' : 'no simd', `${threads} thread${threads === 1 ? '' : 's'}`];
  return { engine: 'wasm', tfBackend: 'wasm', device: `wasm (${features.join(', ')})` };
}

/** Starts the pure-JavaScript cpu engine, which always works and is the slowest. */
export async function startCpu(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(ctx, '@tensorflow/tfjs-backend-cpu', 'npm install @tensorflow/tfjs-backend-cpu');
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'cpu', 'cpu');
  return failed ?? { engine: 'cpu', tfBackend: 'cpu', device: 'cpu' };
}
