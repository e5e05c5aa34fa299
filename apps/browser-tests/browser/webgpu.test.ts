// The conformance suite and the PyTorch golden files on @deeprnn/backend-webgpu in Chromium. Under CI the
// adapter is Chromium's SwiftShader (WebGPU on the CPU): a correctness lane, not a speed lane.
import { type Backend, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withFewerRuns } from './fewer-runs.js';
import { withWebgpu } from './webgpu-lane.js';

const webgpu = pageBackend('webgpu');
const files = import.meta.glob<unknown>(['../../../fixtures/pytorch/*.json', '!**/index.json'], { import: 'default' });
const cases = Object.entries(files).map(([path, load]) => ({ name: path.split('/').pop()!, load }));

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
  withFewerRuns(0.4, () => runConformance('backend-webgpu (chromium)', () => webgpu.create('webgpu'), { onnx: { exportOnnx, importOnnx } }));
  describe('backend-webgpu against PyTorch golden data (chromium)', () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await webgpu.create('webgpu');
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
});
