// The project's PyTorch golden files (fixtures/pytorch), checked in Chromium on the page's backends.
import { type Backend, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';

// Vite inlines the JSON files into the test bundle; index.json lists them and is not a case.
const files = import.meta.glob<unknown>(['../../../fixtures/pytorch/*.json', '!**/index.json'], { import: 'default' });
const cases = Object.entries(files).map(([path, load]) => ({ name: path.split('/').pop()!, load }));

const LANES: readonly (readonly [string, string])[] = [
  ['reference', 'float64'],
  ['tfjs', 'wasm'],
  ['onnxruntime', 'wasm'],
];

it('finds the project fixtures', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

for (const [name, engine] of LANES) {
  describe(`${name} ${engine} against PyTorch golden data (chromium)`, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await pageBackend(name).create(engine);
    });
    afterAll(async () => {
      await backend?.dispose();
    });
    it.each(cases)('$name', async ({ name: file, load }) => {
      const golden = parseGoldenCase(await load(), file);
      const result = await checkGoldenCase(backend!, golden);
      expect(result.failures).toEqual([]);
      expect(result.pass).toBe(true);
    });
  });
}
