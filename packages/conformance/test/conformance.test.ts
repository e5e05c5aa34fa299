import { createReferenceBackend } from '@deeprnn/core';
import type { OnnxCodec } from '../src/index.js';
import { runConformance } from '../src/run-conformance.js';

// @deeprnn/onnx is not a dependency of this package (it would make a build cycle with the backends):
// when it is built, the round trip runs too; otherwise that one property shows as skipped.
const onnxPackage = '@deeprnn/onnx';
const onnx = (await import(onnxPackage).catch(() => undefined)) as OnnxCodec | undefined;

// The whole suite on the float32 reference, exactly as a backend package runs it.
runConformance('reference', () => createReferenceBackend({ dtype: 'float32' }), onnx ? { onnx } : {});
