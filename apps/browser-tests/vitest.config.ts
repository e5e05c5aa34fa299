import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM, chromiumArgs } from './src/chromium.js';

// The browser lane needs Debian's Chromium (apt-get install chromium; playwright downloads nothing).
// Under CI=true its absence fails the run; elsewhere the lane is left out with the reason printed.
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const why = `browser tests: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true requires it`);
  console.warn(`${why}; skipping the browser project`);
}

// What the page's suites read from the environment (browser/setup.ts installs it as process.env). The
// browser lane runs a quarter of fast-check's runs by default to stay within a few minutes.
const PAGE_ENV_KEYS = ['CI', 'FC_SEED', 'FC_PATH', 'DEEPRNN_FC_TIME_LIMIT_S'];
const pageEnv: Record<string, string> = Object.fromEntries(
  PAGE_ENV_KEYS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
);
pageEnv.DEEPRNN_FC_RUNS = process.env.DEEPRNN_BROWSER_FC_RUNS ?? '0.25';

export default defineConfig({
  // Cross-origin isolated pages (COOP/COEP, as the playground's server sends them) get SharedArrayBuffer,
  // which multi-threaded wasm (tfjs wasm, onnxruntime-web) needs: the lane runs what a visitor gets.
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  define: { __DEEPRNN_PAGE_ENV__: JSON.stringify(pageEnv) },
  optimizeDeps: {
    // onnxruntime-web finds its .wasm next to its own module (new URL(..., import.meta.url)); pre-bundling moves it.
    exclude: ['onnxruntime-web'],
    // The tfjs engines are imported lazily (the page's module loader): found only when a test starts
    // one, they made Vite re-optimize mid-run, and the page's next import of the old bundle failed
    // ("Failed to fetch dynamically imported module ...tfjs-backend-webgpu.js", npm run explore).
    include: [
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
      },
      ...(hasChromium
        ? [
            {
              extends: true,
              test: {
                name: 'chromium',
                include: ['browser/**/*.test.ts'],
                setupFiles: ['browser/setup.ts'],
                testTimeout: 120_000,
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: chromiumArgs() } }),
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]
        : []),
    ],
  },
});
