import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type RnnConfig, type Tensor, defineSpec, initParams, tensor } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { exportOnnx, readTensorFile } from '../../src/index.js';
import { REPO, TORCH_FIXTURES } from '../helpers.js';

const { onnx } = protoPackage;

/** A valid model the fuzzer starts from, with the weight inputs a backend-test layout needs. */
export interface FuzzSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly constants?: Readonly<Record<string, Tensor>>;
}

const EXPORTS: [string, RnnConfig, 'node' | 'loop', boolean][] = [
  [
    'lstm_bidir_peep',
    { mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, peepholes: true },
    'node',
    false,
  ],
  ['lstm_proj_loop', { mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 1 }, 'loop', true],
  [
    'gru_tied_bf',
    { mode: 'gru', inputSize: 2, hiddenSize: 2, numLayers: 3, tiedLayers: true, batchFirst: true },
    'node',
    false,
  ],
  [
    'gru_lbr0_clip_loop',
    { mode: 'gru', inputSize: 2, hiddenSize: 2, linearBeforeReset: false, clip: 1.5, bidirectional: true },
    'loop',
    false,
  ],
  ['rnn_relu_lens', { mode: 'rnn_relu', inputSize: 3, hiddenSize: 2, numLayers: 2 }, 'node', true],
  [
    'rnn_scaledtanh_loop',
    { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, activations: [{ name: 'ScaledTanh', alpha: 0.5, beta: 2 }] },
    'loop',
    false,
  ],
];

const WEIGHT_INPUTS = new Set(['W', 'R', 'B', 'P']);

/** A backend-test directory as a seed: the model plus its weight inputs (W, R, B, P) from test_data_set_0. */
function backendTestSeed(dir: string, name: string): FuzzSeed {
  const set = join(dir, 'test_data_set_0');
  const constants: Record<string, Tensor> = {};
  for (const file of readdirSync(set).filter((f) => f.startsWith('input_'))) {
    const bytes = readFileSync(join(set, file));
    const inputName = onnx.TensorProto.decode(bytes).name;
    const t = readTensorFile(bytes, file);
    if (WEIGHT_INPUTS.has(inputName) && t.kind === 'float') constants[inputName] = tensor(t.data, t.dims);
  }
  return { name, bytes: new Uint8Array(readFileSync(join(dir, 'model.onnx'))), constants };
}

/** Valid models of every kind the importer reads: deeprnn exports (node, loop), torch exports, ONNX node tests. */
export function fuzzSeeds(): FuzzSeed[] {
  const seeds: FuzzSeed[] = EXPORTS.map(([name, config, lowering, sequenceLengths]) => {
    const spec = defineSpec(config);
    return { name, bytes: exportOnnx(spec, initParams(spec, { seed: 11 }), { lowering, sequenceLengths }) };
  });
  for (const f of readdirSync(TORCH_FIXTURES)
    .filter((n) => n.endsWith('.onnx'))
    .sort()
    .slice(0, 4)) {
    seeds.push({ name: f, bytes: new Uint8Array(readFileSync(join(TORCH_FIXTURES, f))) });
  }
  const backendTests: [string, string[]][] = [
    ['onnx-official', ['test_lstm_with_peepholes', 'test_gru_defaults', 'test_simple_rnn_batchwise']],
    ['onnx-node', ['onnx_lstm_reverse_seqlens', 'onnx_gru_bidir_scaledtanh_affine']],
  ];
  for (const [set, names] of backendTests) {
    for (const name of names) seeds.push(backendTestSeed(join(REPO, 'fixtures', set, name), name));
  }
  return seeds;
}
