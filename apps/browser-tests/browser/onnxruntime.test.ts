// The conformance suite on onnxruntime-web in Chromium: the wasm provider, and WebGPU.
import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withFewerRuns } from './fewer-runs.js';
import { withWebgpu } from './webgpu-lane.js';

const ort = pageBackend('onnxruntime');
const onnx = { exportOnnx, importOnnx };

describe('onnxruntime in the page', () => {
  it('resolves to onnxruntime-web: the default starts on a web provider and names it', async () => {
    const backend = await ort.create();
    try {
      expect(backend.device).toMatch(/^(webgpu|wasm \(simd, \d+ threads?\))$/);
    } finally {
      await backend.dispose();
    }
  });

  it('rejects a Node-only provider with a typed error naming the web ones', async () => {
    // The catalog refuses it before onnxruntime-web is loaded: a ConfigError listing the page's providers.
    const refused = ort.create('cuda');
    await expect(refused).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(refused).rejects.toThrow(/no variant 'cuda' on browser \(known: webgpu, wasm\)/);
  });
});

runConformance('onnxruntime wasm (chromium)', () => ort.create('wasm'), { onnx });
await withWebgpu('onnxruntime webgpu (chromium)', () => {
  withFewerRuns(0.4, () => runConformance('onnxruntime webgpu (chromium)', () => ort.create('webgpu'), { onnx }));
});
