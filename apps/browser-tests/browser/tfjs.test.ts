// The conformance suite on tfjs in Chromium, one suite per engine the page starts by name.
import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withFewerRuns } from './fewer-runs.js';
import { webgpuAdapter } from './webgpu-adapter.js';
import { withWebgpu } from './webgpu-lane.js';

const tfjs = pageBackend('tfjs');
const onnx = { exportOnnx, importOnnx };

runConformance('tfjs wasm (chromium)', () => tfjs.create('wasm'), { onnx });
runConformance('tfjs cpu (chromium)', () => tfjs.create('cpu'), { onnx });
// WebGL is Chromium's SwiftShader here (no GPU): a correctness lane, with fewer runs since each new
// shader compiles on the CPU.
withFewerRuns(0.4, () => runConformance('tfjs webgl (chromium)', () => tfjs.create('webgl'), { onnx }));
await withWebgpu('tfjs webgpu (chromium)', () => {
  withFewerRuns(0.4, () => runConformance('tfjs webgpu (chromium)', () => tfjs.create('webgpu'), { onnx }));
});

it('unnamed, tfjs passes over a software WebGPU adapter (SwiftShader) for wasm, and over a real one for nothing', async () => {
  const adapter = await webgpuAdapter();
  const backend = await tfjs.create();
  try {
    const software = 'name' in adapter && /swiftshader/i.test(adapter.name);
    expect(backend.device).toMatch(software ? /^wasm/ : /^(webgpu|wasm)/);
  } finally {
    await backend.dispose();
  }
});
