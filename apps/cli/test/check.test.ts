import { join } from 'node:path';
import { type Backend, type RnnModel, createReferenceBackend, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import type { BackendChoice, LoadedBackend } from '../src/backends.js';
import { type CheckIo, runBackendChecks, runOnnxModelCheck } from '../src/commands/check.js';
import { repoRoot, runCli } from './run-cli.js';

// A model torch.onnx.export wrote, kept in the repository (packages/onnx's fixtures).
const goldenOnnx = join(repoRoot, 'packages/onnx/test/fixtures/torch/tv_lstm_l2_bidir_op9.onnx');

/** The reference backend, except that every output is off by 1%. */
function brokenBackend(): Backend {
  const inner = createReferenceBackend();
  return {
    ...inner,
    name: 'broken',
    async createModel(spec, params): Promise<RnnModel> {
      const model = await inner.createModel(spec, params);
      return {
        spec,
        forward: async (input, initial, options) => {
          const r = await model.forward(input, initial, options);
          return {
            ...r,
            output: tensor(
              r.output.data.map((v) => v * 1.01),
              r.output.shape,
            ),
          };
        },
        stream: () => Promise.reject(new Error('broken backend: no stream')),
        dispose: () => model.dispose(),
        [Symbol.asyncDispose]: () => model.dispose(),
      };
    },
  };
}

function fakeIo(
  backends: Record<string, () => Backend>,
  modules: Record<string, unknown> = {},
): CheckIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    load: (choice: BackendChoice): Promise<LoadedBackend> => {
      const make = backends[choice.name];
      return make
        ? Promise.resolve({ backend: make(), notices: [`${choice.name} says hello`] })
        : Promise.reject(new Error(`no package for ${choice.name}`));
    },
    importOptional: (name: string): Promise<unknown> => Promise.resolve(modules[name] ?? null),
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}

describe('deeprnn check (backends)', () => {
  it('prints a backend x property table and a summary, exit 0 when all pass', async () => {
    const io = fakeIo({ reference: () => createReferenceBackend() });
    const code = await runBackendChecks({ runs: 5, seed: 3 }, io);
    expect(code).toBe(0);
    const lines = io.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('15 passed, 0 failed');
    expect(io.stdout).toMatch(/reference\s+agreement\s+5\s+\d\.\de[-+]\d+\s+pass/);
    expect(io.stdout).toMatch(/onnx-round-trip\s+0\s+-\s+skipped \(no ONNX codec/);
    // Backends that do not load are skipped with a note when none were named.
    expect(io.stderr).toMatch(/skipping onnxruntime: no package for onnxruntime/);
    expect(io.stderr).toMatch(
      /note: reference runs on .*; one start-up notice: --verbose or `deeprnn info` prints them/,
    );
  });

  it('exits 1 on a failing property and prints the command that replays it', async () => {
    const io = fakeIo({ broken: brokenBackend });
    const code = await runBackendChecks(
      { backends: ['broken'], runs: 20, seed: 5, properties: ['agreement', 'determinism'] },
      io,
    );
    expect(code).toBe(1);
    expect(io.stdout).toMatch(/broken\s+agreement\s+\d+\s+\S+\s+FAIL/);
    expect(io.stdout).toMatch(
      /replay: deeprnn check --backend broken --properties agreement --runs 20 --seed 5 --path '[\d:]+'/,
    );
    expect(io.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('counts a named backend that does not load as a failure', async () => {
    const io = fakeIo({});
    const code = await runBackendChecks({ backends: ['tfjs'], runs: 1 }, io);
    expect(code).toBe(1);
    expect(io.stdout).toMatch(/tfjs\s+load\s+0\s+-?\S*\s+FAIL/);
    expect(io.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('writes one JSON object per result with --json', async () => {
    const io = fakeIo({ reference: () => createReferenceBackend() });
    await runBackendChecks(
      { backends: ['reference'], runs: 3, seed: 1, json: true, properties: ['streaming', 'lengths'] },
      io,
    );
    const lines = io.stdout.trim().split('\n');
    const rows = lines.slice(0, 2).map((l) => JSON.parse(l) as { property: string; pass: boolean; runs: number });
    expect(rows.map((r) => [r.property, r.pass, r.runs])).toEqual([
      ['streaming', true, 3],
      ['lengths', true, 3],
    ]);
    expect(JSON.parse(lines[2]!)).toEqual({ passed: 2, failed: 0, skipped: 0 });
    expect(lines.at(-1)).toBe('2 passed, 0 failed');
  });
});

describe('deeprnn check --onnx', () => {
  it('exits 2 with a clear message when @deeprnn/onnx or onnxruntime are missing', async () => {
    const io = fakeIo({});
    expect(await runOnnxModelCheck(goldenOnnx, {}, io)).toBe(2);
    expect(io.stderr).toMatch(/needs @deeprnn\/onnx and @deeprnn\/backend-onnxruntime/);
  });

  it('reports the largest disagreement and exits 1 when the runtime computes something else', async () => {
    const onnx: unknown = await import('@deeprnn/onnx');
    const ort = (await import('onnxruntime-node')) as unknown as {
      InferenceSession: {
        create(b: Uint8Array): Promise<{
          inputMetadata: unknown;
          inputNames: readonly string[];
          outputNames: readonly string[];
          run(f: unknown): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
        }>;
      };
    };
    // A runtime whose output is 1% off: what an exporter bug looks like from outside.
    const skewed = {
      ...ort,
      InferenceSession: {
        create: async (b: Uint8Array) => {
          const s = await ort.InferenceSession.create(b);
          return {
            ...s,
            inputMetadata: s.inputMetadata,
            inputNames: s.inputNames,
            outputNames: s.outputNames,
            run: async (feeds: unknown) => {
              const out = await s.run(feeds);
              for (const v of Object.values(out)) v.data.forEach((x, i) => (v.data[i] = x * 1.01));
              return out;
            },
          };
        },
      },
    };
    const ok = fakeIo({}, { '@deeprnn/onnx': onnx, '@deeprnn/backend-onnxruntime': {}, 'onnxruntime-node': ort });
    expect(await runOnnxModelCheck(goldenOnnx, { runs: 5 }, ok)).toBe(0);
    expect(ok.stdout).toMatch(/tv_lstm_l2_bidir_op9\.onnx\s+lstm 2 layer\(s\) bidirectional, I=3 H=4\s+5\s+\S+\s+pass/);
    const bad = fakeIo({}, { '@deeprnn/onnx': onnx, '@deeprnn/backend-onnxruntime': {}, 'onnxruntime-node': skewed });
    expect(await runOnnxModelCheck(goldenOnnx, { runs: 5 }, bad)).toBe(1);
    expect(bad.stdout).toMatch(/largest disagreement: \w+ of call \d+ .*: element/);
    expect(bad.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});

describe('deeprnn check (the built command)', () => {
  it('runs every backend that loads and ends with the summary line', () => {
    const r = runCli(['check', '--backends', 'reference', '--runs', '5', '--seed', '7']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('16 passed, 0 failed');
  });

  it('checks an ONNX model exported by PyTorch against onnxruntime', () => {
    const r = runCli(['check', '--onnx', goldenOnnx, '--runs', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('rejects an unknown property name', () => {
    const r = runCli(['check', '--properties', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown property 'nope'/);
  });
});
