// The project's PyTorch golden files (fixtures/pytorch), checked in Chromium on the page's backends.
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { globbedCases, goldenSuite } from './golden-suite.js';

// Vite inlines the JSON files into the test bundle; index.json lists them and is not a case.
const cases = globbedCases(
  import.meta.glob<unknown>(['../../../fixtures/pytorch/*.json', '!**/index.json'], { import: 'default' }),
);

const LANES: readonly (readonly [string, string])[] = [
  ['reference', 'float64'],
  ['tfjs', 'wasm'],
  ['tfjs', 'webgl'],
  ['onnxruntime', 'wasm'],
];

it('finds the project fixtures', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

for (const [name, engine] of LANES)
  goldenSuite(
    `${name} ${engine} against PyTorch golden data (chromium)`,
    () => pageBackend(name).create(engine),
    cases,
  );
