import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { createBackend } from '../src/index.js';

// The shared suite; the ONNX codec enables its round-trip property.
runConformance('onnxruntime', () => createBackend({ executionProviders: ['cpu'] }), {
  onnx: { exportOnnx, importOnnx },
});
