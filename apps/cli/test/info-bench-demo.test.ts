import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('deeprnn info', () => {
  it('lists the reference backend in both precisions with its device', () => {
    const r = runCli(['info', '--json']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { backend: string; device?: string });
    expect(rows.filter((x) => x.backend === 'reference').map((x) => x.device)).toEqual([
      'cpu (float32, pure TypeScript)',
      'cpu (float64, pure TypeScript)',
    ]);
  });
});

describe('deeprnn bench', () => {
  it('prints one JSON object per backend and mode with the documented fields', () => {
    const r = runCli([
      'bench',
      '--backend',
      'reference',
      '--mode',
      'gru',
      '--mode',
      'lstm',
      '--config',
      'latency',
      '--repeats',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([
        'backend',
        'device',
        'mode',
        'config',
        'inputSize',
        'hiddenSize',
        'numLayers',
        'T',
        'B',
        'msPerCall',
        'tokensPerSec',
        'gflops',
      ]);
      expect(row.config).toBe('latency');
      expect(row.msPerCall as number).toBeGreaterThan(0);
      // T = B = 1: one token per call.
      expect(row.tokensPerSec as number).toBeCloseTo(1000 / (row.msPerCall as number), 6);
    }
    expect(rows.map((x) => x.backend)).toEqual(['reference', 'reference', 'reference-f64', 'reference-f64']);
  });

  it('rejects an unknown config', () => {
    const r = runCli(['bench', '--config', 'huge', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'huge' is invalid. expected one of d2l, medium, latency, latency8, long/);
  });
});

describe('deeprnn demo', () => {
  it('builds the 3-layer d2l RNN and prints its shapes', () => {
    const r = runCli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model: rnn_tanh, 3 layers, inputSize 28, hiddenSize 256, 336384 parameters/);
    expect(r.stdout).toMatch(/input \[35, 32, 28\]/);
    expect(r.stdout).toMatch(
      /reference on cpu \(float32, pure TypeScript\): output \[35, 32, 256\], hN \[3, 32, 256\]/,
    );
  });
});
