// The conformance suite on the reference backend, in Chromium's JavaScript engine.
import { runConformance } from '@deeprnn/conformance/vitest';
import { createReferenceBackend } from '@deeprnn/core';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';

runConformance('reference (chromium)', () => createReferenceBackend(), { onnx: { exportOnnx, importOnnx } });
