import * as tf from '@tensorflow/tfjs-core';
import { ENGINE_NAMES, type EngineName } from './engine-name.js';
import { type ModuleLoader, importModule } from './module-loader.js';
import { selectEngine } from './select-engine.js';

/** Whether one engine can start here, for `deeprnn info`. */
export interface EngineStatus {
  /** The engine probed. */
  readonly engine: EngineName;
  /** True when it started here. */
  readonly isAvailable: boolean;
  /** What it runs on when available (`wasm (simd, 1 thread)`, `webgpu (llvmpipe)`). */
  readonly device: string | null;
  /** Why not, when unavailable: one line a user can act on. */
  readonly message: string | null;
}

/**
 * Tries every engine on its own (software WebGPU adapters count as available) and reports which
 * start. Starting an engine initialises it in tfjs's global engine and leaves it registered; the
 * previously active tfjs backend is restored afterwards.
 *
 * @param options - engines to probe (default all) and the module loader.
 * @returns one status per engine, in the order asked.
 */
export async function probeEngines(
  options: { readonly engines?: readonly EngineName[]; readonly loader?: ModuleLoader } = {},
): Promise<EngineStatus[]> {
  tf.env().set('PROD', true);
  const previous = tf.getBackend() as string | null;
  const out: EngineStatus[] = [];
  for (const engine of options.engines ?? ENGINE_NAMES) {
    try {
      const { started } = await selectEngine([engine], {
        load: options.loader ?? importModule,
        tf: {
          setBackend: (n) => tf.setBackend(n),
          getBackend: () => tf.getBackend(),
          flag: (n) => tf.env().getAsync(n),
        },
        allowSoftwareGpu: true,
      });
      out.push({ engine, isAvailable: true, device: started.device, message: null });
    } catch (e) {
      const message =
        e instanceof Error ? e.message.replace(/^tfjs: no engine could start \(tried [^)]*\): /, '') : String(e);
      out.push({ engine, isAvailable: false, device: null, message });
    }
  }
  if (previous && tf.findBackend(previous) != null) await tf.setBackend(previous);
  return out;
}
