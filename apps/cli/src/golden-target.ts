import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Backend, type GoldenResult, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import type { GoldenTarget } from './golden-files.js';

function isCaseJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'config' in json && 'params' in json && 'output' in json;
}

/**
 * Runs one golden target on a backend. For NAME.json with NAME.onnx beside it, the spec and weights
 * come from importing the .onnx file (so the import is checked too) and every run is compared; an ONNX
 * backend-test directory is imported and compared with its output_K.pb files.
 *
 * @returns the comparison, or null when the file is JSON but not a case (a manifest, say).
 */
export async function runGoldenTarget(backend: Backend, target: GoldenTarget): Promise<GoldenResult | null> {
  if (target.kind === 'onnx-test-dir') {
    const onnx = await import('@deeprnn/onnx');
    return onnx.runOnnxTestCase(backend, await onnx.loadOnnxTestCase(target.path));
  }
  const json: unknown = JSON.parse(readFileSync(target.path, 'utf8'));
  if (!isCaseJson(json)) return null;
  const goldenCase = parseGoldenCase(json, basename(target.path));
  if (target.onnxPath === null) return checkGoldenCase(backend, goldenCase);
  const { importOnnx } = await import('@deeprnn/onnx');
  const { spec, params } = importOnnx(new Uint8Array(readFileSync(target.onnxPath)));
  return checkGoldenCase(backend, { ...goldenCase, spec, params });
}
