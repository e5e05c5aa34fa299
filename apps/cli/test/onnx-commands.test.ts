import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGoldenCase, readSafetensors } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, sharedGolden as shared, sharedMissing, skipShared } from './run-cli.js';

const skipped = skipShared ? ` (skipped: ${sharedMissing})` : '';
const hasOnnxChecker = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

function checkOnnx(path: string): void {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', path],
    { encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

describe('deeprnn export / import', () => {
  it.skipIf(skipShared)(
    `exports a golden case, imports it back bit-identically, and the model passes the ONNX checker${skipped}`,
    () => {
      if (!hasOnnxChecker && process.env.CI)
        throw new Error('CI must have python3-onnx (onnx.checker); .ci/run installs it');
      const dir = mkdtempSync(join(tmpdir(), 'deeprnn-onnx-'));
      for (const name of ['lstm_l2_proj_bidir', 'gru_l3_bf', 'rnn_relu_l1_bf_bidir']) {
        const golden = `${shared}/pytorch/${name}.json`;
        const onnx = join(dir, `${name}.onnx`);
        const exported = runCli(['export', '--golden', golden, '--out', onnx, '--opset', '17']);
        expect(exported.code).toBe(0);
        expect(exported.stdout).toMatch(new RegExp(`wrote .*${name}\\.onnx \\(\\d+ bytes, opset 17`));
        if (hasOnnxChecker) checkOnnx(onnx);
        const imported = runCli([
          'import',
          onnx,
          '--out',
          join(dir, `${name}.safetensors`),
          '--config-out',
          join(dir, `${name}.config.json`),
        ]);
        expect(imported.code).toBe(0);
        const want = parseGoldenCase(JSON.parse(readFileSync(golden, 'utf8')), name);
        const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(dir, `${name}.safetensors`))));
        expect(Object.keys(tensors)).toEqual(Object.keys(want.params));
        for (const [k, t] of Object.entries(want.params)) expect(tensors[k]!.data).toEqual(t.data);
        const config = JSON.parse(readFileSync(join(dir, `${name}.config.json`), 'utf8')) as Record<string, unknown>;
        expect(config).toMatchObject({
          mode: want.spec.mode,
          numLayers: want.spec.numLayers,
          bidirectional: want.spec.bidirectional,
          projSize: want.spec.projSize,
        });
        // The exported weights and config run the golden case again.
        const again = runCli([
          'export',
          '--config',
          join(dir, `${name}.config.json`),
          '--weights',
          join(dir, `${name}.safetensors`),
          '--out',
          join(dir, `${name}.2.onnx`),
        ]);
        expect(again.code).toBe(0);
      }
    },
  );

  it.skipIf(skipShared)(`imports what torch.onnx.export wrote and names the weights like PyTorch${skipped}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-onnx-'));
    const r = runCli([
      'import',
      `${shared}/onnx-from-pytorch/onnx_gru_l2_bidir_bf_op17.onnx`,
      '--out',
      join(dir, 'w.safetensors'),
      '--config-out',
      join(dir, 'c.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/producer pytorch, opset 17, spec from graph/);
    const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(dir, 'w.safetensors'))));
    const want = JSON.parse(readFileSync(`${shared}/onnx-from-pytorch/onnx_gru_l2_bidir_bf_op17.json`, 'utf8')) as {
      params: Record<string, { data: number[] }>;
    };
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(want.params).sort());
    for (const [k, t] of Object.entries(want.params)) expect([...tensors[k]!.data]).toEqual(t.data);
  });

  it('refuses contradictory or missing arguments and corrupt files with a message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-onnx-'));
    expect(runCli(['export', '--out', join(dir, 'x.onnx')]).stderr).toMatch(
      /expected --config C\.json and --weights W\.safetensors, or --golden CASE\.json/,
    );
    writeFileSync(join(dir, 'bad.onnx'), Buffer.from([8, 7, 0x12, 0xff, 0xff, 0xff, 0x7f, 1, 2]));
    const r = runCli([
      'import',
      join(dir, 'bad.onnx'),
      '--out',
      join(dir, 'w.safetensors'),
      '--config-out',
      join(dir, 'c.json'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^deeprnn: import .*bad.onnx: expected an ONNX model: .*protobuf/);
  });
});

describe('deeprnn golden with ONNX', () => {
  it.skipIf(skipShared)(
    `imports NAME.onnx beside NAME.json and checks every run, on the reference and on onnxruntime${skipped}`,
    () => {
      for (const backend of ['reference', 'onnxruntime']) {
        const r = runCli(['golden', `${shared}/onnx-from-pytorch`, '--backend', backend]);
        expect(r.code).toBe(0);
        expect(r.stdout.trim().split('\n').at(-1)).toBe('5 passed, 0 failed');
      }
    },
  );

  it('runs ONNX backend-test directories (single-node models with peepholes, clip, activations, lengths)', () => {
    const r = runCli(['golden', join(repoRoot, 'fixtures/onnx-node'), '--backend', 'reference', '--dtype', 'float64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/onnx_lstm_clip_peepholes\s+\S+\s+\S+\s+pass/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('19 passed, 0 failed');
  });
});
