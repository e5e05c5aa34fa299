// tfjs's threaded wasm build in the playground's production build (Vite, minified, cross-origin
// isolated): it used to hang at start. tfjs sends its Emscripten factory to the pthread workers as
// source text; the minifier's compression dropped the factory's `typeof _scriptDir` guards, so each
// worker threw a ReferenceError and tf.setBackend('wasm') never resolved. The playground's vite.config.ts
// now minifies without compressing; this builds a small page with that setting and starts two threads.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, loadConfigFromFile, preview } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { CHROMIUM, chromiumArgs } from '../src/chromium.js';

const PAGE = fileURLToPath(new URL('./wasm-threads-page', import.meta.url));
const PLAYGROUND_CONFIG = fileURLToPath(new URL('../../playground/vite.config.ts', import.meta.url));
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const hasChromium = existsSync(CHROMIUM);
const out = mkdtempSync(join(tmpdir(), 'deeprnn-wasm-threads-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

if (!hasChromium && process.env.CI !== 'true')
  console.warn(`wasm threads build test: skipping: no Chromium at ${CHROMIUM}`);

it.skipIf(!hasChromium && process.env.CI !== 'true')(
  'the playground build starts tfjs wasm with 2 threads in a cross-origin isolated page',
  async () => {
    const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, PLAYGROUND_CONFIG);
    const playgroundBuild = loaded?.config.build;
    expect(playgroundBuild?.rolldownOptions).toBeDefined();
    await build({
      root: PAGE,
      base: './',
      logLevel: 'silent',
      configFile: false,
      build: { ...playgroundBuild, outDir: out, emptyOutDir: true },
    });
    const server = await preview({
      root: PAGE,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: out },
      preview: { port: 0, host: '127.0.0.1', headers: ISOLATED },
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
    try {
      const page = await browser.newPage();
      await page.goto(server.resolvedUrls!.local[0]!);
      // Before the fix the title stayed 'starting': the workers failed and setBackend never resolved.
      await page.waitForFunction(() => document.title !== 'starting', undefined, { timeout: 30_000 });
      expect(await page.title()).toBe('started true, threaded build true, 2 threads');
    } finally {
      await browser.close();
      await server.close();
    }
  },
  120_000,
);
