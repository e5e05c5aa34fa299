import * as tf from '@tensorflow/tfjs';
import {
  type RnnConfig,
  SeededRandom,
  type Tensor,
  UnsupportedError,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TfjsExport, exportTfjsLayers, importTfjsLayers } from '../src/index.js';
import { tfjsPredict } from './tfjs-oracle.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function load(e: TfjsExport): Promise<tf.LayersModel> {
  const artifacts = {
    modelTopology: e.modelJson.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightSpecs: e.modelJson.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
    weightData: e.weights.slice().buffer,
  };
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs((a.data[i] as number) - (b.data[i] as number)));
  return m;
}

const exportable: [string, RnnConfig][] = [
  ['rnn_tanh 2 layers', { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 }],
  ['rnn_relu bidirectional', { mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, bidirectional: true }],
  ['lstm 2 layers bidirectional', { mode: 'lstm', inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true }],
  [
    'gru linearBeforeReset false, no bias',
    { mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2, linearBeforeReset: false, bias: false },
  ],
  [
    'lstm with hard_sigmoid gates',
    {
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 2,
      activations: [{ name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, { name: 'Tanh' }, { name: 'Tanh' }],
    },
  ],
];

describe('export to tfjs-layers', () => {
  it.each(exportable)(
    '%s: tf.loadLayersModel loads it and predict equals the deeprnn forward',
    async (_name, config) => {
      const spec = defineSpec({ ...config, batchFirst: true });
      const params = initParams(spec, { seed: 7 });
      const e = exportTfjsLayers({ spec, params });
      expect(e.maxQuantizationError).toBe(0);
      const model = await load(e);
      const rng = new SeededRandom(1);
      const x = tensor(
        Float32Array.from({ length: 2 * 5 * spec.inputSize }, () => rng.uniform(-1, 1)),
        [2, 5, spec.inputSize],
      );
      const got = await tfjsPredict(model, x);
      const { output } = await (await createReferenceBackend().createModel(spec, params)).forward(x);
      expect(maxDiff(got, output)).toBeLessThan(2e-5);
      model.dispose();
    },
  );

  it.each(['float16', 'uint16', 'uint8'] as const)(
    'quantized to %s: loads, and predict moves by at most what the stated weight error allows',
    async (q) => {
      const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true });
      const params = initParams(spec, { seed: 3 });
      const e = exportTfjsLayers({ spec, params }, { quantize: q });
      const bound = { float16: 2 ** -12, uint16: 1 / 65535, uint8: 1 / 255 }[q];
      expect(e.maxQuantizationError).toBeGreaterThan(0);
      // Half a step of the quantization grid over the weights' range (|w| <= 1/sqrt(4) = 0.5).
      expect(e.maxQuantizationError).toBeLessThanOrEqual(bound);
      // The file reads back through our own decoder to exactly what tfjs decodes.
      const again = importTfjsLayers(e.modelJson, () => e.weights);
      const model = await load(e);
      const rng = new SeededRandom(2);
      const x = tensor(
        Float32Array.from({ length: 2 * 4 * 3 }, () => rng.uniform(-1, 1)),
        [2, 4, 3],
      );
      const got = await tfjsPredict(model, x);
      const ref = createReferenceBackend();
      const quantized = await (await ref.createModel(again.spec, again.params)).forward(x);
      expect(maxDiff(got, quantized.output)).toBeLessThan(2e-5);
      const exact = await (await ref.createModel(spec, params)).forward(x);
      expect(maxDiff(got, exact.output)).toBeLessThan(q === 'uint8' ? 0.05 : 0.002);
      model.dispose();
    },
  );

  const refusals: [string, RnnConfig, RegExp][] = [
    ['a PyTorch GRU (reset_after=true)', { mode: 'gru', inputSize: 2, hiddenSize: 2 }, /GRU has no reset_after=true/],
    ['an LSTM projection', { mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 2 }, /no projection/],
    ['peepholes', { mode: 'lstm', inputSize: 2, hiddenSize: 2, peepholes: true }, /no peepholes/],
    ['coupled input and forget gates', { mode: 'lstm', inputSize: 2, hiddenSize: 2, inputForget: true }, /inputForget/],
    ['clip', { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, clip: 3 }, /clip/],
    ['tied layers', { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, numLayers: 3, tiedLayers: true }, /tiedLayers/],
    [
      'per-gate ONNX activations',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, activations: [{ name: 'ScaledTanh', alpha: 2, beta: 1 }] },
      /ScaledTanh.*has no Keras name/,
    ],
    [
      'different LSTM candidate and output activations',
      {
        mode: 'lstm',
        inputSize: 2,
        hiddenSize: 2,
        activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Relu' }],
      },
      /activations g and h differ/,
    ],
    [
      'different reverse activations',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, bidirectional: true, reverseActivations: [{ name: 'Relu' }] },
      /reverseActivations differ/,
    ],
  ];
  it.each(refusals)('refuses %s with UnsupportedError and the reason', (_what, config, reason) => {
    const spec = defineSpec(config);
    const params = initParams(spec);
    expect(() => exportTfjsLayers({ spec, params })).toThrow(UnsupportedError);
    expect(() => exportTfjsLayers({ spec, params })).toThrow(reason);
  });
});
