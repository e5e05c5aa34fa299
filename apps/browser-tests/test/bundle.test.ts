// Every package's main entry bundles for the browser (platform browser, `browser` condition) with no
// Node built-in reachable; the table of sizes is printed (the root README shows it).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENTRIES, bundleEntry, kib } from '../src/bundle-entry.js';

describe('browser bundles of the main entries', () => {
  for (const entry of BROWSER_ENTRIES) {
    it(`${entry} bundles with no node: import`, async () => {
      const own = await bundleEntry(entry, { ownCodeOnly: true });
      const all = await bundleEntry(entry);
      expect(own.errors).toEqual([]);
      expect(all.errors).toEqual([]);
      expect(own.gzipBytes).toBeGreaterThan(0);
      console.log(
        `${entry}: own code ${kib(own.minBytes)} min, ${kib(own.gzipBytes)} min+gzip; with dependencies ${kib(all.minBytes)} min, ${kib(all.gzipBytes)} min+gzip`,
      );
    }, 60_000);
  }

  it('the Node-only subpath @deeprnn/lm/node does not resolve for a browser', async () => {
    const result = await bundleEntry('@deeprnn/lm/node');
    expect(result.errors.join('\n')).toMatch(/Could not resolve "@deeprnn\/lm\/node"/);
  }, 60_000);

  it('the check fails on code that reaches node: built-ins (lm/dist/node.js)', async () => {
    const file = fileURLToPath(new URL('../../../packages/lm/dist/node.js', import.meta.url));
    const result = await bundleEntry(file);
    expect(result.errors.join('\n')).toMatch(/Could not resolve "node:(fs|crypto|os|path)/);
  }, 60_000);
});
