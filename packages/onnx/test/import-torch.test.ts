import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseGoldenCase, specToConfig } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { GOLDEN, TORCH_FIXTURES, hasDir } from './helpers.js';

const sharedDir = join(GOLDEN, 'onnx-from-pytorch');
const dirs = [sharedDir, TORCH_FIXTURES].filter(hasDir);
const files = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => join(d, f)),
);
// A clone without ../shared has only this package's own fixtures: the shared ones are a printed skip
// there, and required under CI (which has ../shared).
const skipShared = !hasDir(sharedDir) && process.env.CI !== 'true';
if (skipShared) console.warn(`onnx import-torch: skipping the shared torch.onnx.export files: ${sharedDir} is absent`);

describe('import of torch.onnx.export models', () => {
  it("finds this package's own fixtures", () =>
    expect(readdirSync(TORCH_FIXTURES).filter((f) => f.endsWith('.onnx')).length).toBeGreaterThanOrEqual(3));
  it.skipIf(skipShared)(`finds the shared fixtures${skipShared ? ` (skipped: ${sharedDir} is absent)` : ''}`, () =>
    expect(files.length).toBeGreaterThanOrEqual(15),
  );
  it.each(files)('%s: same spec and parameters as the PyTorch module', (file) => {
    const imported = importOnnx(readFileSync(file));
    const golden = parseGoldenCase(JSON.parse(readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')), file);
    expect(specToConfig(imported.spec)).toEqual(specToConfig(golden.spec));
    expect(Object.keys(imported.params).sort()).toEqual(Object.keys(golden.params).sort());
    for (const [k, t] of Object.entries(golden.params)) {
      expect(imported.params[k]?.shape).toEqual(t.shape);
      expect(Array.from(imported.params[k]?.data ?? [])).toEqual(Array.from(t.data));
    }
    expect(imported.isUnbatched).toBe(golden.runs[0]?.input.shape.length === 2);
    expect(imported.producer).toBe('pytorch');
    expect(imported.outputs.map((o) => o.role)).toEqual(
      golden.spec.mode === 'lstm' ? ['output', 'hN', 'cN'] : ['output', 'hN'],
    );
  });
});
