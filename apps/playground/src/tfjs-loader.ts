import type { ModuleLoader } from '@deeprnn/backend-tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// The tfjs backend loads its optional engines with import(specifier), which a bundler cannot follow;
// in the page each engine is a static dynamic import (so Vite bundles it), and the wasm engine is told
// where Vite put its .wasm files.
const MODULES: Readonly<Record<string, () => Promise<unknown>>> = {
  '@tensorflow/tfjs-backend-cpu': () => import('@tensorflow/tfjs-backend-cpu'),
  '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
  '@tensorflow/tfjs-backend-webgl': () => import('@tensorflow/tfjs-backend-webgl'),
  '@tensorflow/tfjs-backend-wasm': async () => {
    const mod = await import('@tensorflow/tfjs-backend-wasm');
    // The threaded build runs where the page is cross-origin isolated (its hang at start came from the
    // minifier: see vite.config.ts).
    mod.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    });
    return mod;
  },
};

/** The {@link ModuleLoader} of the tfjs backend in this page. */
export const pageModuleLoader: ModuleLoader = async (specifier) => {
  const load = MODULES[specifier];
  if (!load)
    throw Object.assign(new Error(`${specifier} is not bundled into this page`), { code: 'ERR_MODULE_NOT_FOUND' });
  return load();
};
