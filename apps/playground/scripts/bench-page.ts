// The page the measurement scripts drive: the built playground served by `deeprnn playground`, opened in
// headless Chromium, optionally reporting more cores than the machine has.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/chromium.js';
import { servePlayground } from '../test/serve.js';

/** An open page on the served playground; `close` ends the browser and the server. */
export interface BenchPage {
  readonly url: string;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * Serves `dist/` and opens a page. `reportedCores` > 0 makes the page (and its workers) report that many
 * cores through Chromium's emulation: tfjs-backend-wasm starts at most hardwareConcurrency / 2 threads,
 * so on a 2-core machine it runs 1 whatever is asked unless the page reports more.
 */
export async function openBenchPage(reportedCores = 0): Promise<BenchPage> {
  // The server requires a corpus file; the measurements never read it.
  const corpus = join(mkdtempSync(join(tmpdir(), 'deeprnn-bench-')), 'corpus.txt');
  writeFileSync(corpus, 'unused by the measurements');
  const { url, child } = await servePlayground(fileURLToPath(new URL('../dist', import.meta.url)), corpus);
  try {
    const browser = await launchChromium();
    const page = await browser.newPage();
    if (reportedCores > 0) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: reportedCores });
    }
    return {
      url,
      page,
      close: async () => {
        // The page first, so its 'close' listeners run (bench-browser.ts stops its progress timer there).
        await page.close();
        await browser.close();
        child.kill();
      },
    };
  } catch (e) {
    child.kill();
    throw e;
  }
}
