import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { type BackendOptionsSpec, addBackendOptions, backendSelection } from '../src/backend-options.js';
import { type LoadedBackend, loadBackend } from '../src/backends.js';
import { UsageError } from '../src/cli-errors.js';
import { noticeLines, printNotices } from '../src/notices.js';
import { buildProgram } from '../src/program.js';

const MANY: BackendOptionsSpec = { purpose: 'backends', isRepeatable: true, defaults: ['reference'] };
const ONE: BackendOptionsSpec = { purpose: 'backend', isRepeatable: false, defaults: ['reference'] };

/** Parses `args` with a throwaway command carrying the backend options; returns the selection. */
function parse(spec: BackendOptionsSpec, args: string[]): ReturnType<typeof backendSelection> {
  const cmd = addBackendOptions(
    new Command('t').exitOverride().configureOutput({ outputError: () => undefined }),
    spec,
  );
  cmd.parse(args, { from: 'user' });
  return backendSelection(cmd.opts(), spec);
}

describe('backend options', () => {
  it('are the same four flags on every command that runs a backend', () => {
    const program = buildProgram();
    const withBackends = program.commands.filter((c) => c.options.some((o) => o.long === '--backend'));
    expect(withBackends.map((c) => c.name()).sort()).toEqual([
      'bench',
      'check',
      'demo',
      'depth',
      'generate',
      'golden',
      'train',
    ]);
    for (const c of withBackends) {
      const help = (flag: string): string | undefined => c.options.find((o) => o.long === flag)?.description;
      expect([help('--dtype'), help('--engine'), help('--provider')]).toEqual([
        'reference backend precision: float32, float64',
        'tfjs engine: tfjs-node-gpu, tfjs-node, webgpu, webgl, wasm, cpu (default: the first that starts)',
        'onnxruntime execution provider: cuda, webgpu, cpu (default: the first that starts)',
      ]);
    }
  });

  it('give each backend only its own option, defaults when none is named', () => {
    expect(parse(MANY, [])).toEqual({ choices: [{ name: 'reference' }], isExplicit: false });
    const s = parse(MANY, [
      '--backend',
      'tfjs,onnxruntime',
      '--backend',
      'reference',
      '--engine',
      'wasm',
      '--provider',
      'cpu',
      '--dtype',
      'float64',
    ]);
    expect(s.isExplicit).toBe(true);
    expect(s.choices).toEqual([
      { name: 'tfjs', engine: 'wasm' },
      { name: 'onnxruntime', provider: 'cpu' },
      { name: 'reference', dtype: 'float64' },
    ]);
    expect(parse(MANY, ['--backends', 'tfjs', '--backend', 'tfjs']).choices).toEqual([{ name: 'tfjs' }]);
  });

  it('refuse unknown values and options no chosen backend takes', () => {
    expect(() => parse(ONE, ['--backend', 'webgl'])).toThrow(
      /'webgl' is invalid. expected one of reference, onnxruntime, tfjs/,
    );
    expect(() => parse(ONE, ['--dtype', 'float16'])).toThrow(/expected one of float32, float64/);
    expect(() => parse(MANY, ['--backend', 'reference,', '--dtype', 'float32'])).toThrow(/comma-separated list/);
    expect(() => parse(ONE, ['--backend', 'tfjs', '--dtype', 'float64'])).toThrow(UsageError);
    expect(() => parse(ONE, ['--provider', 'cuda'])).toThrow(
      /--provider cuda applies to the onnxruntime backend, but --backend is reference/,
    );
  });
});

describe('backend notices', () => {
  const loaded = async (): Promise<LoadedBackend> => ({
    ...(await loadBackend({ name: 'reference' })),
    notices: ['cuda: not installed', 'webgpu: no adapter'],
  });

  it('are one line per backend, in full with --verbose', async () => {
    const l = await loaded();
    expect(noticeLines(l, false)).toEqual([
      `reference runs on ${l.backend.device}; 2 start-up notices: --verbose or \`deeprnn info\` prints them`,
    ]);
    expect(noticeLines(l, true)).toEqual(['reference: cuda: not installed', 'reference: webgpu: no adapter']);
    expect(noticeLines({ ...l, notices: [] }, false)).toEqual([]);
  });

  it('are printed once per run however often the backend loads', async () => {
    let text = '';
    for (let i = 0; i < 3; i++) printNotices(await loaded(), (t) => void (text += t));
    expect(text.trim().split('\n')).toHaveLength(1);
  });
});
