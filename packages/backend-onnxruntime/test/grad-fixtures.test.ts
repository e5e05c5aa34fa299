import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GradOutput, type Tensor, compareTensors, parseGoldenCase, parseJsonTensor } from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// PyTorch (float64 autograd) gradients from tools/golden in fixtures/grad: every fixture (every mode,
// batchFirst, unbatched, bidirectional, LSTM projections) through the exported gradient graph on ONNX
// Runtime's CPU provider. The graph computes in float32: atol 1e-4 + rtol 1e-3, as on webgpu.
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/grad');
const TOL = { atol: 1e-4, rtol: 1e-3 };
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .sort();
const backend = await createBackend({ executionProviders: ['cpu'] });
afterAll(() => backend.dispose());

type Json = Record<string, unknown>;
function optional(v: unknown, where: string): Tensor | undefined {
  return v === null || v === undefined ? undefined : parseJsonTensor(v, where);
}

it('finds the 13 PyTorch gradient fixtures', () => {
  expect(files).toHaveLength(13);
});

it.each(files)('%s', async (file) => {
  const json = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Json;
  const c = parseGoldenCase(json, file);
  const run = c.runs[0]!;
  const go = json.gradOutput as Json;
  const gradOutput: GradOutput = Object.fromEntries(
    (['output', 'h', 'c'] as const).flatMap((k) => {
      const t = optional(go[k], `${file}: gradOutput.${k}`);
      return t ? [[k, t]] : [];
    }),
  );
  await using model = await backend.createModel(c.spec, c.params);
  const got = await model.gradients!(run.input, run.initial, gradOutput);
  const want = json.grads as Json;
  expect(Object.keys(got.params).sort()).toEqual(Object.keys(want.params as Json).sort());
  for (const [name, t] of Object.entries(want.params as Json))
    expect(compareTensors(got.params[name]!, parseJsonTensor(t, name), TOL).detail, name).toBe('');
  expect(compareTensors(got.input, parseJsonTensor(want.input, 'input'), TOL).detail, 'input').toBe('');
  const h0 = optional(want.h0, 'h0');
  if (h0) expect(compareTensors(got.initial.h, h0, TOL).detail, 'h0').toBe('');
  const c0 = optional(want.c0, 'c0');
  if (c0) expect(compareTensors(got.initial.c!, c0, TOL).detail, 'c0').toBe('');
});
