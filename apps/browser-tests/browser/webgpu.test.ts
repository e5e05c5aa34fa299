// The conformance suite and the PyTorch golden files on @deeprnn/backend-webgpu in Chromium. Under CI the
// adapter is Chromium's SwiftShader (WebGPU on the CPU): a correctness lane, not a speed lane.
import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withFewerRuns } from './fewer-runs.js';
import { globbedCases, goldenSuite } from './golden-suite.js';
import { withWebgpu } from './webgpu-lane.js';

const webgpu = pageBackend('webgpu');
const cases = globbedCases(
  import.meta.glob<unknown>(['../../../fixtures/pytorch/*.json', '!**/index.json'], { import: 'default' }),
);

await withWebgpu('backend-webgpu (chromium)', (adapter) => {
  it('runs on the page adapter and names it', async () => {
    const backend = await webgpu.create('webgpu');
    try {
      expect(backend.name).toBe('webgpu');
      expect(backend.device).toMatch(/^webgpu/);
      expect(adapter.length).toBeGreaterThan(0);
    } finally {
      await backend.dispose();
    }
  });
  withFewerRuns(0.4, () =>
    runConformance('backend-webgpu (chromium)', () => webgpu.create('webgpu'), { onnx: { exportOnnx, importOnnx } }),
  );
  goldenSuite('backend-webgpu against PyTorch golden data (chromium)', () => webgpu.create('webgpu'), cases);
});
