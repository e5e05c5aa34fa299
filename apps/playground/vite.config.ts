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
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
