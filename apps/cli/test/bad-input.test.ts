import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tensor, readSafetensors, tensor, writeSafetensors } from '@deeprnn/core';
import { CHECKPOINT_KEY } from '@deeprnn/lm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli-errors.js';
import { cliMain, repoRoot, runCli } from './run-cli.js';

// Every bad input of issue 10 item 7 (and issue 11's CLI paragraph), run through the real CLI: each
// must end with the documented exit code and exactly one line on stderr that names what was expected,
// with no stack frame. A case is a row; `args` may use the fixtures below via `fx`.

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `the time traveller ${i % 2 ? 'smiled' : 'spoke'} to us of the fourth dimension`,
).join('\n');
const RECIPE = [
  '--hidden',
  '16',
  '--batch',
  '4',
  '--steps',
  '8',
  '--max-tokens',
  '0',
  '--sample-every',
  '0',
  '--layers',
  '1',
];
const GOLDEN = join(repoRoot, 'fixtures/pytorch/proj_gru_l1.json');
const INJECT_ENOSPC = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/inject-enospc.mjs');
const isRoot = process.getuid?.() === 0;

interface Fixtures {
  dir: string;
  corpus: string;
  /** A finished one-epoch training run (checkpoint and model folder). */
  run: string;
  emptyDir: string;
  readOnlyDir: string;
  notJson: string;
  configLacksField: string;
  config: string;
  weights: string;
  garbage: string;
  /** Copies of the run whose checkpoint (or model) metadata was edited, by name. */
  edited: Record<string, string>;
}

let fx: Fixtures;

type Meta = Record<string, unknown> & {
  config: Record<string, Record<string, unknown>>;
  progress: Record<string, unknown>;
  vocab: string[];
};

/** A copy of the run's folder whose checkpoint metadata went through `edit` (a string replaces the JSON). */
function editedCheckpoint(name: string, edit: (meta: Meta) => string | void): string {
  const out = join(fx.dir, name);
  mkdirSync(out);
  const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(join(fx.run, 'checkpoint.safetensors'))));
  const meta = JSON.parse(metadata[CHECKPOINT_KEY]!) as Meta;
  const json = edit(meta) ?? JSON.stringify(meta);
  writeFileSync(join(out, 'checkpoint.safetensors'), writeSafetensors(tensors, { [CHECKPOINT_KEY]: json }));
  return out;
}

/** A copy of the run's model folder whose model.safetensors metadata went through `edit`. */
function editedModel(name: string, edit: (meta: Record<string, unknown>) => string | void): string {
  const out = join(fx.dir, name);
  mkdirSync(out);
  const key = 'deeprnn.lm.model';
  const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(join(fx.run, 'model.safetensors'))));
  const meta = JSON.parse(metadata[key]!) as Record<string, unknown>;
  const json = edit(meta) ?? JSON.stringify(meta);
  writeFileSync(join(out, 'model.safetensors'), writeSafetensors(tensors, { [key]: json }));
  return out;
}

/** A copy of the run's model folder (all three files) whose weights went through `edit`. */
function editedWeights(name: string, edit: (tensors: Record<string, Tensor>) => void): string {
  const out = join(fx.dir, name);
  mkdirSync(out);
  const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(join(fx.run, 'model.safetensors'))));
  const copy: Record<string, Tensor> = { ...tensors };
  edit(copy);
  writeFileSync(join(out, 'model.safetensors'), writeSafetensors(copy, metadata));
  for (const f of ['config.json', 'vocab.json']) copyFileSync(join(fx.run, f), join(out, f));
  return out;
}

/** A copy of the run's model folder whose side file `file` (config.json or vocab.json) went through `edit`. */
function editedSideFile(name: string, file: string, edit: (json: unknown) => unknown): string {
  const out = join(fx.dir, name);
  mkdirSync(out);
  for (const f of ['model.safetensors', 'config.json', 'vocab.json']) copyFileSync(join(fx.run, f), join(out, f));
  writeFileSync(join(out, file), JSON.stringify(edit(JSON.parse(readFileSync(join(fx.run, file), 'utf8')))));
  return out;
}

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'deeprnn-bad-'));
  const corpus = join(dir, 'tiny.txt');
  writeFileSync(corpus, TEXT);
  const run = join(dir, 'run');
  const trained = runCli(['train', '--corpus', corpus, ...RECIPE, '--epochs', '1', '--out', run]);
  if (trained.code !== 0) throw new Error(`fixture training failed: ${trained.stderr}`);
  const emptyDir = join(dir, 'empty');
  mkdirSync(emptyDir);
  // Root writes through chmod; a pseudo file system refuses it too.
  let readOnlyDir = '/sys';
  if (!isRoot) {
    readOnlyDir = join(dir, 'read-only');
    mkdirSync(readOnlyDir);
    chmodSync(readOnlyDir, 0o555);
  }
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"mode": "gru",');
  const configLacksField = join(dir, 'lacks.json');
  writeFileSync(configLacksField, JSON.stringify({ mode: 'gru', inputSize: 3 }));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 1 }));
  const garbage = join(dir, 'garbage.bin');
  writeFileSync(garbage, 'this is not a model file at all');
  fx = {
    dir,
    corpus,
    run,
    emptyDir,
    readOnlyDir,
    notJson,
    configLacksField,
    config,
    weights: join(run, 'model.safetensors'),
    garbage,
    edited: {},
  };
  fx.edited = {
    ckptNotJson: editedCheckpoint('ckpt-not-json', () => '{"config": '),
    ckptLacksField: editedCheckpoint('ckpt-lacks-field', (m) => void delete m.config.optimizer),
    ckptOptimizer: editedCheckpoint('ckpt-optimizer', (m) => void (m.config.optimizer!.name = 'rmsprop')),
    ckptNegativeEpoch: editedCheckpoint('ckpt-negative-epoch', (m) => void (m.progress.epoch = -1)),
    ckptDuplicateVocab: editedCheckpoint('ckpt-duplicate-vocab', (m) => void (m.vocab[2] = m.vocab[1]!)),
    modelNotJson: editedModel('model-not-json', () => '{"rnn": '),
    modelLacksField: editedModel('model-lacks-field', (m) => void delete m.rnn),
    modelDuplicateVocab: editedModel(
      'model-duplicate-vocab',
      (m) => void ((m.vocab as string[])[3] = (m.vocab as string[])[1]!),
    ),
    modelLongToken: editedModel('model-long-token', (m) => void ((m.vocab as string[])[3] = 'th')),
    modelEmptyToken: editedModel('model-empty-token', (m) => void ((m.vocab as string[])[3] = '')),
    headWrongShape: editedWeights(
      'head-wrong-shape',
      (t) =>
        void (t['linear.weight'] = tensor(new Float32Array(t['linear.weight']!.shape[0]! * 17), [
          t['linear.weight']!.shape[0]!,
          17,
        ])),
    ),
    headNaN: editedWeights(
      'head-nan',
      (t) =>
        void (t['linear.weight'] = tensor(
          Float32Array.from(t['linear.weight']!.data, (x, i) => (i === 5 ? Number.NaN : x)),
          t['linear.weight']!.shape,
        )),
    ),
    biasInf: editedWeights(
      'bias-inf',
      (t) =>
        void (t['linear.bias'] = tensor(
          Float32Array.from(t['linear.bias']!.data, (x, i) => (i === 2 ? Number.NEGATIVE_INFINITY : x)),
          t['linear.bias']!.shape,
        )),
    ),
    headMissing: editedWeights('head-missing', (t) => void delete t['linear.weight']),
    biasMissing: editedWeights('bias-missing', (t) => void delete t['linear.bias']),
    configDisagrees: editedSideFile('config-disagrees', 'config.json', (c) => ({ ...(c as object), vocabSize: 99 })),
    vocabDisagrees: editedSideFile('vocab-disagrees', 'vocab.json', (v) => [...(v as string[])].reverse()),
  };
  copyFileSync(
    join(fx.edited.ckptNotJson!, 'checkpoint.safetensors'),
    join(fx.edited.ckptNotJson!, 'not-json.safetensors'),
  );
}, 120_000);

interface BadInput {
  readonly name: string;
  readonly args: () => string[];
  readonly exitCode: number;
  /** What the one line must say (it names what was expected). */
  readonly says: RegExp;
  readonly env?: NodeJS.ProcessEnv;
}

const resume =
  (folder: () => string, ...flags: string[]): (() => string[]) =>
  () => ['train', '--corpus', fx.corpus, ...RECIPE, '--epochs', '2', '--out', folder(), '--resume', ...flags];
const exportGolden = (out: () => string, env?: NodeJS.ProcessEnv): Pick<BadInput, 'args' | 'env'> => ({
  args: () => ['export', '--golden', GOLDEN, '--out', out()],
  ...(env ? { env } : {}),
});
const { usage, input, output } = EXIT_CODES;

const CASES: readonly BadInput[] = [
  // Values validated before work starts (usage errors).
  {
    name: 'train --dtype foo',
    args: () => ['train', '--dtype', 'foo'],
    exitCode: usage,
    says: /--dtype.*'foo'.*expected one of float32, float64/,
  },
  {
    name: 'generate --engine foo',
    args: () => ['generate', '--model', fx.run, '--backend', 'tfjs', '--engine', 'foo'],
    exitCode: usage,
    says: /expected one of tfjs-node-gpu, tfjs-node, webgpu, webgl, wasm, cpu/,
  },
  {
    name: 'bench --provider foo',
    args: () => ['bench', '--backend', 'onnxruntime', '--provider', 'foo'],
    exitCode: usage,
    says: /expected one of cuda, webgpu, cpu/,
  },
  {
    name: 'golden --backend foo',
    args: () => ['golden', GOLDEN, '--backend', 'foo'],
    exitCode: usage,
    says: /'foo'.*expected one of reference, onnxruntime, tfjs/,
  },
  {
    name: 'check --backend a,foo',
    args: () => ['check', '--backend', 'reference,foo'],
    exitCode: usage,
    says: /'reference,foo'.*expected one of reference/,
  },
  {
    name: 'train --engine without tfjs',
    args: () => ['train', '--engine', 'wasm'],
    exitCode: usage,
    says: /--engine wasm applies to the tfjs backend, but --backend is reference/,
  },
  {
    name: 'export --lowering weird',
    args: () => ['export', '--golden', GOLDEN, '--out', join(fx.dir, 'x.onnx'), '--lowering', 'weird'],
    exitCode: usage,
    says: /'weird'.*expected one of auto, node, loop/,
  },
  {
    name: 'export --opset 99',
    args: () => ['export', '--golden', GOLDEN, '--out', join(fx.dir, 'x.onnx'), '--opset', '99'],
    exitCode: usage,
    says: /expected an integer from 14 to 17/,
  },
  {
    name: 'bench --repeats 0',
    args: () => ['bench', '--repeats', '0'],
    exitCode: usage,
    says: /--repeats.*'0'.*expected an integer >= 1/,
  },
  {
    name: 'bench --config weird',
    args: () => ['bench', '--config', 'weird'],
    exitCode: usage,
    says: /'weird'.*expected one of d2l, medium, latency, latency8, long/,
  },
  {
    name: 'bench --mode weird',
    args: () => ['bench', '--mode', 'weird'],
    exitCode: usage,
    says: /expected one of rnn_tanh, rnn_relu, gru, lstm/,
  },
  {
    name: 'generate --seed abc',
    args: () => ['generate', '--model', fx.run, '--seed', 'abc'],
    exitCode: usage,
    says: /--seed.*'abc'.*expected an integer >= 0/,
  },
  {
    name: 'generate --temperature -1',
    args: () => ['generate', '--model', fx.run, '--temperature', '-1'],
    exitCode: usage,
    says: /expected a number >= 0/,
  },
  {
    name: 'train --hidden 20000 (over the memory limit)',
    args: () => ['train', '--corpus', fx.corpus, '--hidden', '20000'],
    exitCode: usage,
    says: /train: \d layer\(s\) of 20000 units \(parameters, gradients, optimizer state\) would take .*GiB.*over the limit of 2\.0 GiB/,
  },
  {
    name: 'train --epochs -1',
    args: () => ['train', '--corpus', fx.corpus, '--epochs', '-1'],
    exitCode: usage,
    says: /--epochs must be an integer >= 1, got '-1'/,
  },
  {
    name: 'train --mode weird',
    args: () => ['train', '--corpus', fx.corpus, '--mode', 'weird'],
    exitCode: usage,
    says: /--mode must be one of rnn_tanh/,
  },
  {
    name: 'train --dropout 1.5',
    args: () => ['train', '--corpus', fx.corpus, '--dropout', '1.5'],
    exitCode: usage,
    says: /dropout must be a number in \[0, 1\), got 1.5/,
  },
  {
    name: 'depth --layers 0,1',
    args: () => ['depth', '--layers', '0,1'],
    exitCode: usage,
    says: /--layers must be a comma-separated list of depths/,
  },
  { name: 'unknown option', args: () => ['info', '--bogus'], exitCode: usage, says: /unknown option '--bogus'/ },
  {
    name: 'export --golden with --config',
    args: () => ['export', '--golden', GOLDEN, '--config', fx.config, '--out', join(fx.dir, 'x.onnx')],
    exitCode: usage,
    says: /--golden takes config and weights from the case; drop --config/,
  },
  {
    name: 'export without a model',
    args: () => ['export', '--out', join(fx.dir, 'x.onnx')],
    exitCode: usage,
    says: /expected --config C.json and --weights W.safetensors, or --golden/,
  },
  {
    name: '--resume with another --mode',
    args: resume(() => fx.run, '--mode', 'gru'),
    exitCode: usage,
    says: /--mode gru differs from the checkpoint's rnn_tanh/,
  },
  {
    name: '--resume with another --hidden',
    args: resume(() => fx.run, '--hidden', '32'),
    exitCode: usage,
    says: /--hidden 32 differs from the checkpoint's 16/,
  },
  {
    name: '--resume with another --layers',
    args: resume(() => fx.run, '--layers', '2'),
    exitCode: usage,
    says: /--layers 2 differs from the checkpoint's 1/,
  },
  {
    name: '--resume with another --optimizer',
    args: resume(() => fx.run, '--optimizer', 'adam'),
    exitCode: usage,
    says: /--optimizer adam differs from the checkpoint's sgd/,
  },
  // Files and folders to read (input errors).
  {
    name: 'import: missing file',
    args: () => [
      'import',
      join(fx.dir, 'nope.onnx'),
      '--out',
      join(fx.dir, 'w.safetensors'),
      '--config-out',
      join(fx.dir, 'c.json'),
    ],
    exitCode: input,
    says: /import: expected a file, but .*nope.onnx does not exist/,
  },
  {
    name: 'import: a folder',
    args: () => ['import', fx.emptyDir, '--out', join(fx.dir, 'w.safetensors'), '--config-out', join(fx.dir, 'c.json')],
    exitCode: input,
    says: /import: expected a file, got the folder/,
  },
  {
    name: 'import: not ONNX',
    args: () => ['import', fx.garbage, '--out', join(fx.dir, 'w.safetensors'), '--config-out', join(fx.dir, 'c.json')],
    exitCode: input,
    says: /import .*garbage.bin: expected an ONNX model/,
  },
  {
    name: 'export --weights missing',
    args: () => [
      'export',
      '--config',
      fx.config,
      '--weights',
      join(fx.dir, 'nope.safetensors'),
      '--out',
      join(fx.dir, 'x.onnx'),
    ],
    exitCode: input,
    says: /--weights: expected a file, but .* does not exist/,
  },
  {
    name: 'export --weights a folder',
    args: () => ['export', '--config', fx.config, '--weights', fx.emptyDir, '--out', join(fx.dir, 'x.onnx')],
    exitCode: input,
    says: /--weights: expected a file, got the folder/,
  },
  {
    name: 'export --weights not safetensors',
    args: () => ['export', '--config', fx.config, '--weights', fx.garbage, '--out', join(fx.dir, 'x.onnx')],
    exitCode: input,
    says: /--weights .*: expected a safetensors file/,
  },
  {
    name: 'export --config bad JSON',
    args: () => ['export', '--config', fx.notJson, '--weights', fx.weights, '--out', join(fx.dir, 'x.onnx')],
    exitCode: input,
    says: /--config .*not.json: expected an RnnConfig JSON/,
  },
  {
    name: 'export --config lacks a field',
    args: () => ['export', '--config', fx.configLacksField, '--weights', fx.weights, '--out', join(fx.dir, 'x.onnx')],
    exitCode: input,
    says: /--config .*lacks.json: expected an RnnConfig JSON: .*hiddenSize/,
  },
  {
    name: 'train --corpus missing',
    args: () => ['train', '--corpus', join(fx.dir, 'nope.txt')],
    exitCode: input,
    says: /--corpus: expected a file, but .* does not exist/,
  },
  {
    name: 'train --corpus a folder',
    args: () => ['train', '--corpus', fx.emptyDir],
    exitCode: input,
    says: /--corpus: expected a file, got the folder/,
  },
  {
    name: 'check --onnx missing',
    args: () => ['check', '--onnx', join(fx.dir, 'nope.onnx')],
    exitCode: input,
    says: /--onnx: expected a file, but .* does not exist/,
  },
  {
    name: 'check --onnx a folder',
    args: () => ['check', '--onnx', fx.emptyDir],
    exitCode: input,
    says: /--onnx: expected a file, got the folder/,
  },
  {
    name: 'golden PATH missing',
    args: () => ['golden', join(fx.dir, 'nope')],
    exitCode: input,
    says: /golden: expected a file or folder, but .* does not exist/,
  },
  {
    name: 'golden on a folder without cases',
    args: () => ['golden', fx.emptyDir],
    exitCode: input,
    says: /golden: expected case files .* found none/,
  },
  {
    name: 'generate on an empty folder',
    args: () => ['generate', '--model', fx.emptyDir],
    exitCode: input,
    says: /--model: expected a folder written by `deeprnn train` .* without model.safetensors/,
  },
  {
    name: 'generate --model missing',
    args: () => ['generate', '--model', join(fx.dir, 'nope')],
    exitCode: input,
    says: /--model: expected a file or folder, but .* does not exist/,
  },
  {
    name: '--resume without a checkpoint',
    args: resume(() => fx.emptyDir),
    exitCode: input,
    says: /--resume: expected a checkpoint at/,
  },
  {
    name: 'checkpoint metadata not JSON',
    args: resume(() => fx.edited.ckptNotJson!),
    exitCode: input,
    says: /checkpoint .*: expected a deeprnn LM checkpoint: .*not JSON/,
  },
  {
    name: 'checkpoint lacks a field',
    args: resume(() => fx.edited.ckptLacksField!),
    exitCode: input,
    says: /config.optimizer.name: expected sgd or adam, got nothing \(the field is missing\)/,
  },
  {
    name: 'checkpoint optimizer unknown',
    args: resume(() => fx.edited.ckptOptimizer!),
    exitCode: input,
    says: /config.optimizer.name: expected sgd or adam, got "rmsprop"/,
  },
  {
    name: 'checkpoint negative epoch',
    args: resume(() => fx.edited.ckptNegativeEpoch!),
    exitCode: input,
    says: /progress.epoch: expected an integer >= 0, got -1/,
  },
  {
    name: 'checkpoint duplicated vocabulary',
    args: resume(() => fx.edited.ckptDuplicateVocab!),
    exitCode: input,
    says: /vocab: expected distinct tokens, got .* twice/,
  },
  {
    name: 'generate on a checkpoint with bad JSON',
    args: () => ['generate', '--model', join(fx.edited.ckptNotJson!, 'not-json.safetensors')],
    exitCode: input,
    says: /model .*: expected a deeprnn language model: .*not JSON/,
  },
  {
    name: 'model metadata not JSON',
    args: () => ['generate', '--model', fx.edited.modelNotJson!],
    exitCode: input,
    says: /model .*model.safetensors: expected a deeprnn language model/,
  },
  {
    name: 'model metadata lacks a field',
    args: () => ['generate', '--model', fx.edited.modelLacksField!],
    exitCode: input,
    says: /model .*model.safetensors: expected a deeprnn language model: rnn: expected the RNN config object, got nothing \(the field is missing\)/,
  },
  {
    name: 'model duplicated vocabulary',
    args: () => ['generate', '--model', fx.edited.modelDuplicateVocab!],
    exitCode: input,
    says: /vocab: expected distinct tokens, got .* twice/,
  },
  // Issue 22: generate trusted the model folder (garbage with exit 0, or exit 5 TypeError).
  {
    name: 'model vocabulary with a multi-character token',
    args: () => ['generate', '--model', fx.edited.modelLongToken!],
    exitCode: input,
    says: /vocab: expected one character per token, got "th" \(2 characters\) at index 3/,
  },
  {
    name: 'model vocabulary with an empty token',
    args: () => ['generate', '--model', fx.edited.modelEmptyToken!],
    exitCode: input,
    says: /vocab: expected one character per token, got "" \(0 characters\) at index 3/,
  },
  {
    name: 'model head of the wrong shape',
    args: () => ['generate', '--model', fx.edited.headWrongShape!],
    exitCode: input,
    says: /model .*model.safetensors: expected a deeprnn language model: linear\.weight: expected shape \[\d+, 16\] .*got \[\d+, 17\]/,
  },
  {
    name: 'model head with NaN',
    args: () => ['generate', '--model', fx.edited.headNaN!],
    exitCode: input,
    says: /linear\.weight\[5\] is NaN, expected finite weights/,
  },
  {
    name: 'model bias with -Infinity',
    args: () => ['generate', '--model', fx.edited.biasInf!],
    exitCode: input,
    says: /linear\.bias\[2\] is -Infinity, expected finite weights/,
  },
  {
    name: 'model without its head weight',
    args: () => ['generate', '--model', fx.edited.headMissing!],
    exitCode: input,
    says: /linear\.weight: expected shape \[\d+, 16\] .*got nothing \(the tensor is missing\)/,
  },
  {
    name: 'model without its head bias',
    args: () => ['generate', '--model', fx.edited.biasMissing!],
    exitCode: input,
    says: /linear\.bias: expected shape \[\d+\] .*got nothing \(the tensor is missing\)/,
  },
  {
    name: 'model config.json disagrees with the weights',
    args: () => ['generate', '--model', fx.edited.configDisagrees!],
    exitCode: input,
    says: /config\.json: vocabSize is 99, but .*model\.safetensors holds \d+/,
  },
  {
    name: 'model vocab.json disagrees with the weights',
    args: () => ['generate', '--model', fx.edited.vocabDisagrees!],
    exitCode: input,
    says: /vocab\.json: differs from the vocabulary in .*model\.safetensors/,
  },
  // Files and folders to write (output errors).
  {
    name: 'export --out in a missing folder',
    ...exportGolden(() => join(fx.dir, 'no-such-folder', 'x.onnx')),
    exitCode: output,
    says: /--out: expected a file in an existing folder, but the folder .* does not exist/,
  },
  {
    name: 'export --out a folder',
    ...exportGolden(() => fx.emptyDir),
    exitCode: output,
    says: /--out: expected a file name, got the folder/,
  },
  {
    name: 'export --out in a read-only folder',
    ...exportGolden(() => join(fx.readOnlyDir, 'x.onnx')),
    exitCode: output,
    says: /--out: expected a writable folder, but .* cannot be written/,
  },
  {
    name: 'train --out a read-only folder',
    args: () => ['train', '--corpus', fx.corpus, '--out', fx.readOnlyDir],
    exitCode: output,
    says: /--out: expected a writable folder, but .* cannot be written/,
  },
  {
    name: 'train --out under a file',
    args: () => ['train', '--corpus', fx.corpus, '--out', join(fx.corpus, 'sub')],
    exitCode: output,
    says: /--out: cannot create the folder .*: .*ENOTDIR/,
  },
  {
    name: 'disk full while exporting',
    ...exportGolden(() => join(fx.dir, 'full.onnx'), { NODE_OPTIONS: `--import ${INJECT_ENOSPC}` }),
    exitCode: output,
    says: /--out: cannot write .*full.onnx: no space left on device \(ENOSPC\)/,
  },
];

function expectOneCleanLine(stderr: string, says: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(/^deeprnn: /);
  expect(lines[0]).toMatch(says);
}

describe('deeprnn on bad input: one line, the documented exit code', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = runCli(c.args(), c.env ?? {});
    expect(r.code, r.stderr).toBe(c.exitCode);
    expectOneCleanLine(r.stderr, c.says);
  });

  it('--debug prints the stack instead of the line', () => {
    const r = runCli(['--debug', 'train', '--corpus', join(fx.dir, 'nope.txt')]);
    expect(r.code).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(/InputError: --corpus: expected a file/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

/** Runs the CLI under bash, for redirections the child_process options cannot express. */
function runShell(script: string): { code: number; stderr: string } {
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, DEEPRNN: `${process.execPath} ${cliMain}` },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stderr: r.stderr };
}

describe('deeprnn with a standard output that fails', () => {
  it('disk full (stdout to /dev/full): one line, the output exit code', () => {
    const r = runShell(`$DEEPRNN golden ${GOLDEN} > /dev/full`);
    expect(r.code).toBe(EXIT_CODES.output);
    expectOneCleanLine(r.stderr, /cannot write to standard output: no space left on device \(ENOSPC\)/);
  });

  it('a reader that goes away (| true): quiet, exit 141 as Unix tools', () => {
    const r = runShell(`$DEEPRNN golden ${join(repoRoot, 'fixtures/pytorch')} --json | true; exit \${PIPESTATUS[0]}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_CODES.brokenPipe);
  });
});
