import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GradOutput, type Tensor, compareTensors, parseGoldenCase, parseJsonTensor } from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { describeOnAdapter, probeBackend } from './adapter.js';

// PyTorch (float64 autograd) gradients from tools/golden in fixtures/grad. The training kernels
// compute in float32: agreement is atol 1e-4 + rtol 1e-3. Every fixture (all modes, LSTM
// projections included) must pass.
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/grad');
const TOL = { atol: 1e-4, rtol: 1e-3 };
const files = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json') && f !== 'index.json')
      .sort()
  : [];
const probe = await probeBackend();

type Json = Record<string, unknown>;
function optional(v: unknown, where: string): Tensor | undefined {
  return v === null || v === undefined ? undefined : parseJsonTensor(v, where);
}

describeOnAdapter('PyTorch gradient fixtures on webgpu', probe, (gpu) => {
  afterAll(() => gpu.dispose());

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
    await using model = await gpu.createModel(c.spec, c.params);
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
});
