import { defineConfig } from 'vite';

// A static page: `vite build` writes dist/ (served by `deeprnn playground`, or any static server that
// sends COOP/COEP headers for multi-threaded wasm).
export default defineConfig({
  base: './',
  resolve: { conditions: ['browser'] },
  optimizeDeps: {
    // onnxruntime-web finds its .wasm next to its own module (new URL(..., import.meta.url)).
    exclude: ['onnxruntime-web'],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // Mangle and strip whitespace, but do not compress: tfjs-backend-wasm hands its Emscripten factory to
    // its pthread workers as source text (factory.toString() in a blob). Compression drops the factory's
    // `typeof _scriptDir !== 'undefined'` guards (the variable is declared around it, but not in the
    // worker), so every worker threw a ReferenceError and tf.setBackend('wasm') waited for them forever:
    // the threaded build's hang at start. About 9% more JavaScript.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
