// A page that starts tfjs's threaded wasm build with two threads and writes the outcome into its title.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { env, setBackend } from '@tensorflow/tfjs-core';

// tfjs-backend-wasm runs at most half of hardwareConcurrency threads: claim 4 cores so that two run on any machine.
Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 });
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
setThreadsCount(2);
const threaded = await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
setBackend('wasm').then(
  (ok) => {
    document.title = `started ${String(ok)}, threaded build ${String(threaded)}, ${getThreadsCount()} threads`;
  },
  (e: unknown) => {
    document.title = `error: ${String(e)}`;
  },
);
