import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CheckIo, DEFAULT_IO } from '../src/commands/check-io.js';
import { runOnnxModelCheck } from '../src/commands/check.js';
import { describeFailure } from '../src/failure-report.js';
import { buildProgram } from '../src/program.js';
import { foldWeightInputs, repositoryOnnxFiles } from './onnx-files.js';
import { repoRoot, runCli, skipShared } from './run-cli.js';

// `deeprnn check --onnx` and `deeprnn import` on every ONNX file the repository has, in this process:
// each passes, or fails with one line and a documented exit code (apps/cli/README.md).

const dir = mkdtempSync(join(tmpdir(), 'deeprnn-check-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ONNX's own operator test, self-contained: its W/R/B/P inputs folded into initializers. */
function folded(set: 'onnx-official' | 'onnx-node', name: string): string {
  const out = join(dir, `${name}.onnx`);
  foldWeightInputs(join(repoRoot, 'fixtures', set, name), out);
  return out;
}

/** What a command did: its exit code, and stdout / stderr (the failure line included). */
interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A failure as bin/deeprnn reports it: the line `describeFailure` gives for a thrown error. */
function thrown(e: unknown, stdout: string, stderr: string): Outcome {
  const { line, exitCode } = describeFailure(e);
  return { code: exitCode, stdout, stderr: `${stderr}${line === null ? '' : `deeprnn: ${line}\n`}` };
}

async function checkOnnx(file: string, runs = 3): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CheckIo = { ...DEFAULT_IO, out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
  try {
    return { code: await runOnnxModelCheck(file, { runs, seed: 1 }, io), stdout, stderr };
  } catch (e) {
    return thrown(e, stdout, stderr);
  }
}

async function importOnnxFile(file: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((t) => ((stdout += String(t)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((t) => ((stderr += String(t)), true));
  const name = basename(file, '.onnx') === 'model' ? basename(dirname(file)) : basename(file, '.onnx');
  try {
    const args = ['import', file, '--out', join(dir, `${name}.safetensors`), '--config-out', join(dir, `${name}.json`)];
    await buildProgram().parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return thrown(e, stdout, stderr);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Exit 0, or exactly one `deeprnn: ...` line on stderr with a documented non-zero code and no stack. */
function expectPassOrOneLine(r: Outcome, what: string): void {
  if (r.code === 0) return;
  expect([1, 2, 3, 4, 5], what).toContain(r.code);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, what).toHaveLength(1);
  expect(lines[0], what).toMatch(/^deeprnn: /);
  expect(lines[0], what).not.toMatch(/unexpected; --debug|\n\s+at /);
}

describe('deeprnn check --onnx on a graph without a sequence output', () => {
  it("compares only Y_h for ONNX's test_gru_defaults (node outputs ['', 'Y_h']) and says so", async () => {
    const r = await checkOnnx(folded('onnx-official', 'test_gru_defaults'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/test_gru_defaults\.onnx\s+gru 1 layer\(s\), I=2 H=5\s+3\s+\S+\s+pass\s+hN\n/);
    expect(r.stdout).toMatch(/largest disagreement: hN of call/);
  });

  it('compares exactly the outputs the graph has, in --json too', async () => {
    let stdout = '';
    const io: CheckIo = { ...DEFAULT_IO, out: (t) => void (stdout += t), err: () => undefined };
    expect(
      await runOnnxModelCheck(folded('onnx-official', 'test_lstm_with_peepholes'), { runs: 2, json: true }, io),
    ).toBe(0);
    expect((JSON.parse(stdout.split('\n')[0]!) as { compared: string[] }).compared).toEqual(['hN']);
    stdout = '';
    expect(
      await runOnnxModelCheck(
        join(repoRoot, 'packages/onnx/test/fixtures/torch/tv_lstm_l2_bidir_op9.onnx'),
        { runs: 2, json: true },
        io,
      ),
    ).toBe(0);
    expect((JSON.parse(stdout.split('\n')[0]!) as { compared: string[] }).compared).toEqual(['output', 'hN', 'cN']);
  });
});

describe('deeprnn check --onnx on a batchwise (layout=1) node', () => {
  it("says in one line that ONNX Runtime's CPU kernels cannot run it, with the reference's reading, exit 5", async () => {
    const r = await checkOnnx(folded('onnx-official', 'test_gru_batchwise'));
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^deeprnn: check --onnx \S+test_gru_batchwise\.onnx: ONNX Runtime's CPU kernels cannot run batchwise \(layout=1\) RNN\/GRU\/LSTM nodes, .* reads it as gru 1 layer\(s\) batch-first, I=2 H=6\n$/,
    );
  });

  it('the built command prints that line alone (no onnxruntime log line before it)', () => {
    const r = runCli(['check', '--onnx', folded('onnx-official', 'test_lstm_batchwise')]);
    expect(r.code).toBe(5);
    expect(r.stderr.split('\n').filter((l) => l.length > 0)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /cannot run batchwise \(layout=1\).* reads it as lstm 1 layer\(s\) batch-first, I=2 H=7\n$/,
    );
  });
});

describe('deeprnn check --onnx when onnxruntime fails', () => {
  const torchFile = join(repoRoot, 'packages/onnx/test/fixtures/torch/tv_gru_l2_bidir_op11.onnx');

  /** DEFAULT_IO, except that onnxruntime-node is `ort` (the real one, with create or run replaced). */
  async function withOrt(
    patch: (real: { InferenceSession: { create(b: Uint8Array): Promise<object> } }) => unknown,
  ): Promise<Outcome> {
    const real = (await import('onnxruntime-node')) as unknown as {
      InferenceSession: { create(b: Uint8Array): Promise<object> };
    };
    let stdout = '';
    let stderr = '';
    const io: CheckIo = {
      ...DEFAULT_IO,
      importOptional: async (name) =>
        name === 'onnxruntime-node' ? { ...real, ...(patch(real) as object) } : DEFAULT_IO.importOptional(name),
      out: (t) => void (stdout += t),
      err: (t) => void (stderr += t),
    };
    try {
      return { code: await runOnnxModelCheck(torchFile, { runs: 2 }, io), stdout, stderr };
    } catch (e) {
      return thrown(e, stdout, stderr);
    }
  }

  it('a session that cannot be created is one line with its reason and the reference reading, exit 5', async () => {
    const r = await withOrt(() => ({
      InferenceSession: {
        create: () => Promise.reject(new Error('Exception during initialization:\n  no kernel for GRU')),
      },
    }));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /^deeprnn: check --onnx \S+: onnxruntime cannot load the model \(the reference reads it as gru 2 layer\(s\) bidirectional, I=3 H=4\): Exception during initialization: no kernel for GRU\n$/,
    );
  });

  it('a run that fails is one line, exit 5', async () => {
    const r = await withOrt((real) => ({
      InferenceSession: {
        create: async (b: Uint8Array) => ({
          ...(await real.InferenceSession.create(b)),
          run: () => Promise.reject(new Error('out of memory')),
        }),
      },
    }));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /^deeprnn: check --onnx \S+: onnxruntime cannot run the model \(the reference reads it as gru .*\): out of memory\n$/,
    );
  });
});

describe('every ONNX file of the repository through check --onnx and import', () => {
  const files = repositoryOnnxFiles();

  it('finds the four sets', () => {
    const sets = [
      'fixtures/onnx-official/',
      'fixtures/onnx-node/',
      'fixtures/torch/',
      ...(skipShared ? [] : ['onnx-from-pytorch/']),
    ];
    for (const set of sets) {
      expect(files.filter((f) => f.includes(set)).length, set).toBeGreaterThanOrEqual(5);
    }
  });

  it('each file passes or fails with one clean line', async () => {
    const outcomes: string[] = [];
    for (const file of files) {
      const path = join(repoRoot, file);
      const check = await checkOnnx(path);
      const imported = await importOnnxFile(path);
      expectPassOrOneLine(check, `check --onnx ${file}`);
      expectPassOrOneLine(imported, `import ${file}`);
      outcomes.push(`${file}: check ${check.code}, import ${imported.code}`);
      if (file.endsWith('/model.onnx')) {
        // ONNX's backend-test layout feeds the weights as graph inputs: not in the file, so refused (input).
        expect([check.code, imported.code], file).toEqual([3, 3]);
        expect(check.stderr, file).toMatch(/W 'W' must be a float initializer or constant/);
      } else {
        // torch.onnx.export files: the reference and onnxruntime agree, the weights import.
        expect([check.code, imported.code], `${file}\n${check.stdout}${check.stderr}`).toEqual([0, 0]);
        expect(check.stdout).toMatch(/pass\s+output, hN(, cN)?\n/);
        expect(JSON.parse(readFileSync(join(dir, `${basename(file, '.onnx')}.json`), 'utf8'))).toHaveProperty('mode');
      }
    }
    expect(outcomes.length).toBe(files.length);
  });

  it("ONNX's operator tests with their weights in the file: each passes, but the batchwise ones, which onnxruntime cannot run", async () => {
    const sets = { 'onnx-official': 'test_', 'onnx-node': 'onnx_' } as const;
    for (const [set, prefix] of Object.entries(sets) as ['onnx-official' | 'onnx-node', string][]) {
      const names = repositoryOnnxFiles()
        .filter((f) => f.startsWith(`fixtures/${set}/${prefix}`))
        .map((f) => basename(dirname(f)));
      for (const name of names) {
        const file = folded(set, name);
        const check = await checkOnnx(file);
        const imported = await importOnnxFile(file);
        expect(imported.code, `import ${name}: ${imported.stderr}`).toBe(0);
        if (name.includes('batchwise')) {
          expect(check.code, name).toBe(5);
          expectPassOrOneLine(check, name);
          expect(check.stderr).toMatch(/cannot run batchwise \(layout=1\)/);
        } else {
          // Including the single reverse-direction nodes, run on time-reversed sequences.
          expect(check.code, `check --onnx ${name}: ${check.stdout}${check.stderr}`).toBe(0);
          expect(check.stdout).toMatch(/1 passed, 0 failed\n$/);
        }
      }
    }
  });
});
