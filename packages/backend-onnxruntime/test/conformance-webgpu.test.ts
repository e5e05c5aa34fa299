import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// The shared suite on ORT's WebGPU provider, where its GRU/LSTM kernels lack most ONNX activations
// (the backend routes those models to the Loop lowering). Runs wherever Dawn finds an adapter; CI
// sources tools/ci/setup-lavapipe.sh's env.sh (Mesa's software Vulkan) and must have one, so under
// CI=true a missing adapter fails instead of skipping. The suite's shapes are small (lavapipe is slow).
const probe = await createBackend({ executionProviders: ['webgpu'] }).catch((e: unknown) => e);
const hasAdapter = !(probe instanceof Error);
if (!(probe instanceof Error)) await (probe as { dispose(): Promise<void> }).dispose();

if (hasAdapter) {
  runConformance('onnxruntime (webgpu provider)', () => createBackend({ executionProviders: ['webgpu'] }), {
    onnx: { exportOnnx, importOnnx },
  });
} else {
  describe('onnxruntime (webgpu provider) conformance', () => {
    const why = probe instanceof Error ? probe.message : String(probe);
    it.skipIf(process.env.CI !== 'true')('needs a WebGPU adapter under CI=true (source the lavapipe env.sh)', () => {
      expect.fail(`no WebGPU adapter: ${why}`);
    });
  });
}
