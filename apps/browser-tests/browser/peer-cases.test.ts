// The peer cases (../shared/peer-cases: expected values hard-coded in ONNX Runtime's, tfjs-layers' and
// Keras's own tests; lengths and final-state-only checks) on every page backend in Chromium.
import { type Backend, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { underCi } from './webgpu-adapter.js';
import { withWebgpu } from './webgpu-lane.js';

// Vite inlines the JSON files into the test bundle at transform time; ../shared sits beside the
// repository (CI has it). Without it the glob is empty: a printed skip here, a failure under CI=true.
const files = import.meta.glob<unknown>('../../../../shared/peer-cases/*.json', { import: 'default' });
const cases = Object.entries(files).map(([path, load]) => ({ name: path.split('/').pop()!, load }));
const isMissing = cases.length === 0;
if (isMissing && !underCi()) console.warn('browser peer cases: skipping: no ../shared/peer-cases beside the repository');

const LANES: readonly (readonly [string, string])[] = [
  ['reference', 'float32'],
  ['tfjs', 'wasm'],
  ['onnxruntime', 'wasm'],
];

it.skipIf(isMissing && !underCi())(`finds the 11 peer cases${isMissing ? ' (skipped: ../shared/peer-cases is missing)' : ''}`, () => {
  expect(cases).toHaveLength(11);
});

function peerSuite(title: string, name: string, engine: string): void {
  describe(title, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await pageBackend(name).create(engine);
    });
    afterAll(async () => {
      await backend?.dispose();
    });
    it.each(cases)('$name', async ({ name: file, load }) => {
      const result = await checkGoldenCase(backend!, parseGoldenCase(await load(), file));
      expect(result.failures).toEqual([]);
      expect(result.pass).toBe(true);
    });
  });
}

for (const [name, engine] of LANES) peerSuite(`${name} ${engine} against the peer cases (chromium)`, name, engine);

await withWebgpu('peer cases on WebGPU (chromium)', () => {
  peerSuite('backend-webgpu against the peer cases (chromium)', 'webgpu', 'webgpu');
  peerSuite('tfjs webgpu against the peer cases (chromium)', 'tfjs', 'webgpu');
});
