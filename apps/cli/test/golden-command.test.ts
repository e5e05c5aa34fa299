import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, sharedGolden as shared, sharedMissing, skipShared } from './run-cli.js';

const skipped = skipShared ? ` (skipped: ${sharedMissing})` : '';

describe('deeprnn golden', () => {
  it.skipIf(skipShared)(
    `passes every shared PyTorch and seed case on the reference, one line per case and a summary${skipped}`,
    () => {
      const r = runCli(['golden', `${shared}/pytorch`, `${shared}/seed-rnnlayer`, '--backend', 'reference']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines.at(-1)).toBe('20 passed, 0 failed');
      expect(lines.filter((l) => / pass  +output hN( cN)?$/.test(l))).toHaveLength(20);
      expect(r.stdout).toMatch(/lstm_l2_proj_bidir\s+\d\.\de-\d+\s+\d\.\de-\d+\s+pass/);
    },
  );

  it('passes the committed fixtures in float64 too, as JSON lines', () => {
    const r = runCli(['golden', join(repoRoot, 'fixtures/pytorch'), '--dtype', 'float64', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const rows = lines.slice(0, -1).map((l) => JSON.parse(l) as { pass?: boolean; passed?: number; failed?: number });
    const summary = rows.at(-1)!;
    expect(summary.failed).toBe(0);
    expect(summary.passed).toBeGreaterThanOrEqual(20);
    expect(rows.slice(0, -1).every((x) => x.pass === true)).toBe(true);
    expect(lines.at(-1)).toBe(`${summary.passed} passed, 0 failed`);
  });

  it.skipIf(skipShared)(`fails with exit code 1 and says which tensor is off when a case is wrong${skipped}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-golden-'));
    const json = JSON.parse(readFileSync(`${shared}/pytorch/gru_l1_basic.json`, 'utf8')) as {
      output: { data: number[] };
    };
    json.output.data[3] = (json.output.data[3] ?? 0) + 0.01;
    writeFileSync(join(dir, 'gru_broken.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'index.json'), '{"cases": []}');
    writeFileSync(join(dir, 'notes.txt'), 'not a case');
    const r = runCli(['golden', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gru_l1_basic\s+1\.0e-2\s+\S+\s+FAIL/);
    expect(r.stdout).toMatch(/FAIL gru_l1_basic: runs\[0\]\.output: element 3 is/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('refuses a malformed case as bad input (exit 3) naming the file and the field, before running anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-golden-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ config: { mode: 'gru', inputSize: 0, hiddenSize: 2 }, params: {}, input: {}, output: {} }),
    );
    const r = runCli(['golden', dir]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^deeprnn: golden: .*bad\.json: invalid config: config\.inputSize must be an integer/);
  });

  it('rejects an unknown backend as a usage error listing the known ones', () => {
    const r = runCli(['golden', join(repoRoot, 'fixtures/pytorch'), '--backend', 'cuda-magic']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'cuda-magic' is invalid. expected one of reference, onnxruntime, tfjs/);
  });
});
