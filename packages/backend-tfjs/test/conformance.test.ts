import { runConformance } from '@deeprnn/conformance/vitest';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { createBackend } from '../src/index.js';

// The shared property suite (packages/conformance) on the wasm engine, the default CPU engine; the
// ONNX codec enables its round-trip property.
runConformance('tfjs', () => createBackend({ engines: ['wasm'] }), { onnx: { exportOnnx, importOnnx } });
