import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@deeprnn/core';
import { readTfjsLayersModel } from '@deeprnn/keras/node';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

const fixtures = join(repoRoot, 'fixtures/keras');

function headerDTypes(path: string): string[] {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype?: string }>;
  return [
    ...new Set(
      Object.entries(header)
        .filter(([k]) => k !== '__metadata__')
        .map(([, v]) => v.dtype as string),
    ),
  ];
}

describe('deeprnn import / export with Keras and tfjs-layers files', () => {
  it('imports a Keras 3 .keras as bfloat16 safetensors and says what surrounds the stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-'));
    const r = runCli([
      'import',
      join(fixtures, 'keras3_embedding_simplernn_softmax.keras'),
      '--out',
      join(dir, 'w.safetensors'),
      '--config-out',
      join(dir, 'c.json'),
      '--dtype',
      'bf16',
    ]);
    expect(r.stderr).toMatch(/Embedding 'embedding' 6 x 3, mask_zero/);
    expect(r.stderr).toMatch(/Dense 'dense' 2 units, softmax/);
    expect(r.code).toBe(0);
    expect(headerDTypes(join(dir, 'w.safetensors'))).toEqual(['BF16']);
    expect(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'))).toMatchObject({
      mode: 'rnn_relu',
      inputSize: 3,
      hiddenSize: 4,
    });
  });

  it('imports a tfjs-layers model.json and exports it back as a tfjs-layers folder with the same weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-'));
    const model = join(fixtures, 'keras2_bidir_gru_ave.tfjs/model.json');
    expect(
      runCli(['import', model, '--out', join(dir, 'w.safetensors'), '--config-out', join(dir, 'c.json')]).code,
    ).toBe(0);
    const out = join(dir, 'tfjs');
    const e = runCli([
      'export',
      '--config',
      join(dir, 'c.json'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--format',
      'tfjs-layers',
      '--out',
      out,
    ]);
    expect(e.stdout).toMatch(/wrote .*model\.json and .*weights\.bin \(\d+ bytes, float32 weights, gru x 1 layers/);
    expect(e.code).toBe(0);
    const back = await readTfjsLayersModel(join(out, 'model.json'));
    const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(dir, 'w.safetensors'))));
    for (const [k, t] of Object.entries(back.params)) expect(t.data).toEqual(tensors[k]!.data);
  });

  it('prints the weight error of a quantized export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-'));
    expect(
      runCli([
        'import',
        join(fixtures, 'keras2_masking_lstm_dense.h5'),
        '--out',
        join(dir, 'w.safetensors'),
        '--config-out',
        join(dir, 'c.json'),
      ]).code,
    ).toBe(0);
    const r = runCli([
      'export',
      '--config',
      join(dir, 'c.json'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--format',
      'tfjs-layers',
      '--out',
      join(dir, 'q'),
      '--quantize',
      'uint8',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/uint8 weights/);
    expect(r.stdout).toMatch(/quantization: the largest weight changed by \d\.\d{3}e-\d+/);
  });

  it('refuses what tfjs-layers cannot represent, and --quantize with ONNX, with a message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-'));
    expect(
      runCli([
        'import',
        join(fixtures, 'keras3_bidir_gru_reset_after.keras'),
        '--out',
        join(dir, 'w.safetensors'),
        '--config-out',
        join(dir, 'c.json'),
      ]).code,
    ).toBe(0);
    const r = runCli([
      'export',
      '--config',
      join(dir, 'c.json'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--format',
      'tfjs-layers',
      '--out',
      join(dir, 't'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/GRU has no reset_after=true/);
    const q = runCli([
      'export',
      '--config',
      join(dir, 'c.json'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--out',
      join(dir, 'x.onnx'),
      '--quantize',
      'f16',
    ]);
    expect(q.code).not.toBe(0);
    expect(q.stderr).toMatch(/--quantize applies to --format tfjs-layers only/);
  });

  it('reports a missing Keras file with exit 3 and its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-'));
    const r = runCli([
      'import',
      join(fixtures, 'missing.keras'),
      '--out',
      join(dir, 'w.safetensors'),
      '--config-out',
      join(dir, 'c.json'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/missing\.keras/);
  });

  it('check --keras runs a model.json on tfjs-layers and every backend and reports the largest difference', () => {
    const r = runCli([
      'check',
      '--keras',
      join(fixtures, 'keras2_bidir_gru_ave.tfjs/model.json'),
      '--backend',
      'reference',
      '--backend',
      'onnxruntime',
    ]);
    expect(r.stdout).toMatch(/compared with tfjs-layers predict/);
    expect(r.stdout).toMatch(/reference .* pass/);
    expect(r.stdout).toMatch(/onnxruntime .* pass/);
    expect(r.stdout).toMatch(/2 agree, 0 disagree/);
    expect(r.code).toBe(0);
  });
});
