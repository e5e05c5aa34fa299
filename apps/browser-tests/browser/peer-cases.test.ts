// The peer cases (../shared/peer-cases: expected values hard-coded in ONNX Runtime's, tfjs-layers' and
// Keras's own tests; lengths and final-state-only checks) on every page backend in Chromium.
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { globbedCases, goldenSuite } from './golden-suite.js';
import { underCi } from './webgpu-adapter.js';
import { withWebgpu } from './webgpu-lane.js';

// Vite inlines the JSON files into the test bundle at transform time; ../shared sits beside the
// repository (CI has it). Without it the glob is empty: a printed skip here, a failure under CI=true.
const cases = globbedCases(import.meta.glob<unknown>('../../../../shared/peer-cases/*.json', { import: 'default' }));
const isMissing = cases.length === 0;
if (isMissing && !underCi())
  console.warn('browser peer cases: skipping: no ../shared/peer-cases beside the repository');

const LANES: readonly (readonly [string, string])[] = [
  ['reference', 'float32'],
  ['tfjs', 'wasm'],
  ['onnxruntime', 'wasm'],
];

it.skipIf(isMissing && !underCi())(
  `finds the 11 peer cases${isMissing ? ' (skipped: ../shared/peer-cases is missing)' : ''}`,
  () => {
    expect(cases).toHaveLength(11);
  },
);

for (const [name, engine] of LANES)
  goldenSuite(`${name} ${engine} against the peer cases (chromium)`, () => pageBackend(name).create(engine), cases);

await withWebgpu('peer cases on WebGPU (chromium)', () => {
  goldenSuite('backend-webgpu against the peer cases (chromium)', () => pageBackend('webgpu').create('webgpu'), cases);
  goldenSuite('tfjs webgpu against the peer cases (chromium)', () => pageBackend('tfjs').create('webgpu'), cases);
});
