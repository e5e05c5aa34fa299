// A tfjs-layers model exported by @deeprnn/keras loads in the browser the way a visitor's page loads
// one: tf.loadLayersModel over the files a file picker gives (tf.io.browserFiles: model.json + the
// weight shard), and its predict equals deeprnn's forward on the reference (float32 and quantized).
import * as tf from '@tensorflow/tfjs';
import {
  type RnnConfig,
  SeededRandom,
  type Tensor,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { type TfjsExport, exportTfjsLayers, importTfjsLayers } from '@deeprnn/keras';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  // The CPU engine: the comparison is about the file and the semantics, not an engine's rounding.
  await tf.setBackend('cpu');
});

/** The export as the two files a visitor would pick. */
function asFiles(e: TfjsExport): File[] {
  const json = new File([JSON.stringify(e.modelJson)], 'model.json', { type: 'application/json' });
  const weights = new File([e.weights.slice().buffer], e.weightsPath, { type: 'application/octet-stream' });
  return [json, weights];
}

async function predict(model: tf.LayersModel, x: Tensor): Promise<Float32Array> {
  const input = tf.tensor(Float32Array.from(x.data), [...x.shape]);
  const y = model.predict(input) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  input.dispose();
  y.dispose();
  return data;
}

/** float32 rounding through a few steps of small cells (|output| <= 1): both sides compute in float32. */
const TOLERANCE = 2e-5;

const CASES: [string, RnnConfig, 'float16' | 'uint8' | undefined][] = [
  ['rnn_tanh, 2 layers', { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 }, undefined],
  ['lstm, bidirectional', { mode: 'lstm', inputSize: 3, hiddenSize: 2, bidirectional: true }, undefined],
  ['gru (linearBeforeReset false)', { mode: 'gru', inputSize: 2, hiddenSize: 3, linearBeforeReset: false }, undefined],
  ['lstm, float16 weights', { mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 }, 'float16'],
  ['gru, uint8 weights', { mode: 'gru', inputSize: 3, hiddenSize: 4, linearBeforeReset: false }, 'uint8'],
];

describe('tfjs-layers export, loaded in Chromium', () => {
  it.each(CASES)(
    '%s: tf.loadLayersModel(browserFiles) predicts what deeprnn computes',
    async (_n, config, quantize) => {
      const spec = defineSpec({ ...config, batchFirst: true });
      const params = initParams(spec, { seed: 5 });
      const e = exportTfjsLayers({ spec, params }, quantize ? { quantize } : {});
      const model = await tf.loadLayersModel(tf.io.browserFiles(asFiles(e)));
      const rng = new SeededRandom(3);
      const x = tensor(
        Float32Array.from({ length: 2 * 5 * spec.inputSize }, () => rng.uniform(-1, 1)),
        [2, 5, spec.inputSize],
      );
      const got = await predict(model, x);
      // The reference runs the weights the file holds: for a quantized export, the dequantized ones
      // (read back by our own decoder, which must agree with tfjs's).
      const stored = quantize ? importTfjsLayers(e.modelJson, () => e.weights).params : params;
      const { output } = await (await createReferenceBackend().createModel(spec, stored)).forward(x);
      expect(got.length).toBe(output.data.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - (output.data[i] as number)));
      expect(worst).toBeLessThan(TOLERANCE);
      expect(e.maxQuantizationError > 0).toBe(quantize !== undefined);
      model.dispose();
    },
  );
});
