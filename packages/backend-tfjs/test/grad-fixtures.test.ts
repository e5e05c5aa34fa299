import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type GradOutput, type Tensor, parseGoldenCase, parseJsonTensor } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { PROJECT_FIXTURES } from './golden-files.js';
import { expectClose } from './helpers.js';

// PyTorch (float64 autograd) gradients written by tools/golden into fixtures/grad: the golden case
// keys plus "gradOutput" {output, h, c} and "grads" {params, input, h0, c0}. tfjs computes in
// float32, so agreement is atol 1e-4 + rtol 1e-3. Skipped only while the folder does not exist.
const DIR = join(PROJECT_FIXTURES, 'grad');
const TOL = { atol: 1e-4, rtol: 1e-3 };
const files = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json') && f !== 'index.json')
      .sort()
  : [];

type Json = Record<string, unknown>;
function optional(v: unknown, where: string): Tensor | undefined {
  return v === null || v === undefined ? undefined : parseJsonTensor(v, where);
}

describe('PyTorch gradient fixtures on tfjs wasm', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createBackend({ engines: ['wasm'] });
  });
  afterAll(async () => {
    await backend.dispose();
  });
  // 13 cases take 3-4 s on an idle core; the timeout leaves room for a shared machine.
  it.skipIf(files.length === 0)(`every case in fixtures/grad (${files.length})`, { timeout: 60_000 }, async () => {
    for (const file of files) {
      const json = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Json;
      const c = parseGoldenCase(json, file);
      const run = c.runs[0];
      if (run === undefined) throw new Error(`${file}: no run`);
      const go = json.gradOutput as Json;
      const gradOutput: GradOutput = Object.fromEntries(
        (['output', 'h', 'c'] as const).flatMap((k) => {
          const t = optional(go[k], `${file}: gradOutput.${k}`);
          return t ? [[k, t]] : [];
        }),
      );
      const want = json.grads as Json;
      await using model = await backend.createModel(c.spec, c.params);
      const got = await model.gradients(run.input, run.initial, gradOutput);
      for (const [name, t] of Object.entries(want.params as Json)) {
        expectClose(got.params[name] as Tensor, parseJsonTensor(t, name), TOL, `${file} ${name}`);
      }
      expectClose(got.input, parseJsonTensor(want.input, 'input'), TOL, `${file} input`);
      const h0 = optional(want.h0, 'h0');
      if (h0) expectClose(got.initial.h, h0, TOL, `${file} h0`);
      const c0 = optional(want.c0, 'c0');
      if (c0) expectClose(got.initial.c ?? got.initial.h, c0, TOL, `${file} c0`);
      expect(Object.keys(got.params).sort()).toEqual(Object.keys(want.params as Json).sort());
    }
  });
});
