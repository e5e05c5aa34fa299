import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RnnConfig, defineSpec, initParams } from '@deeprnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_OPSETS, type OnnxLowering, chooseLowering, exportOnnx } from '../src/index.js';
import { pythonOnnx } from './helpers.js';

/** Configs that between them use every attribute, input and lowering path export has. */
const CONFIGS: readonly RnnConfig[] = [
  { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 },
  {
    mode: 'rnn_relu',
    inputSize: 3,
    hiddenSize: 4,
    numLayers: 3,
    bidirectional: true,
    batchFirst: true,
    tiedLayers: true,
  },
  {
    mode: 'rnn_tanh',
    inputSize: 2,
    hiddenSize: 3,
    bias: false,
    clip: 1.5,
    activations: [{ name: 'ScaledTanh', alpha: 0.5, beta: 2 }],
  },
  { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, linearBeforeReset: false, clip: 0.7 },
  {
    mode: 'gru',
    inputSize: 3,
    hiddenSize: 2,
    activations: [
      { name: 'HardSigmoid', alpha: 0.3, beta: 0.4 },
      { name: 'Affine', alpha: 2, beta: 1 },
    ],
    bidirectional: true,
    reverseActivations: [{ name: 'Softsign' }, { name: 'Elu', alpha: 0.5 }],
  },
  { mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, peepholes: true },
  {
    mode: 'lstm',
    inputSize: 3,
    hiddenSize: 5,
    numLayers: 3,
    projSize: 2,
    bidirectional: true,
    tiedLayers: true,
    inputForget: true,
  },
  {
    mode: 'lstm',
    inputSize: 2,
    hiddenSize: 3,
    bias: false,
    activations: [{ name: 'LeakyRelu', alpha: 0.2 }, { name: 'ThresholdedRelu', alpha: 0.1 }, { name: 'Softplus' }],
  },
  // Selu: an ONNX Selu node in the Loop body (the recurrent operators lack it).
  { mode: 'gru', inputSize: 2, hiddenSize: 3, activations: [{ name: 'Selu' }, { name: 'Tanh' }] },
];

const python = pythonOnnx();
const dir = mkdtempSync(join(tmpdir(), 'deeprnn-onnx-checker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every exported model passes onnx.checker.check_model(full_check=True)', () => {
  const missing = 'missing' in python ? python.missing : null;
  // CI installs python3-onnx, so there a missing checker is a failure, not a skip.
  it.skipIf(missing !== null && !process.env.CI)(
    `checks ${CONFIGS.length} configs x lowerings x opsets ${EXPORT_OPSETS.join('/')}${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      if ('missing' in python) throw new Error(`onnx checker unavailable in CI: ${python.missing}`);
      const files: string[] = [];
      CONFIGS.forEach((config, i) => {
        const spec = defineSpec(config);
        const lowerings: OnnxLowering[] = chooseLowering(spec) === 'loop' ? ['loop'] : ['node', 'loop'];
        for (const lowering of lowerings)
          for (const opset of EXPORT_OPSETS)
            for (const lengths of [false, true]) {
              const file = join(dir, `m${i}_${lowering}_${opset}_${lengths ? 'lens' : 'nolens'}.onnx`);
              writeFileSync(
                file,
                exportOnnx(spec, initParams(spec, { seed: i }), {
                  lowering,
                  opset,
                  sequenceLengths: lengths,
                  initialState: !lengths || i % 2 === 0,
                }),
              );
              files.push(file);
            }
      });
      const script = [
        'import sys, onnx',
        'bad = []',
        'for f in sys.argv[1:]:',
        '    try:',
        '        onnx.checker.check_model(onnx.load(f), full_check=True)',
        '    except Exception as e:',
        '        bad.append(f + ": " + str(e).splitlines()[0])',
        'print("\\n".join(bad))',
      ].join('\n');
      const out = execFileSync(python.python, ['-c', script, ...files], { encoding: 'utf8' });
      expect(out.trim()).toBe('');
      expect(files.length).toBeGreaterThan(100);
    },
  );
});
