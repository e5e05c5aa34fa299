import { type RnnConfig, defineSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend, createTfjsRnn } from '../src/index.js';
import { randomCase, randomTensor } from './helpers.js';

// Every forward and every gradient call leaves tf.memory().numTensors where it was; dispose frees
// the uploaded weights (the count returns to its value before createModel).
const CONFIGS: RnnConfig[] = [
  { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true },
  { mode: 'rnn_relu', inputSize: 3, hiddenSize: 4, batchFirst: true, tiedLayers: true, numLayers: 3 },
  { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, linearBeforeReset: false, clip: 2 },
  { mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2, peepholes: true, bidirectional: true, dropout: 0.3, numLayers: 2 },
];

for (const engine of ['wasm', 'cpu'] as const) {
  describe(`no leaked tensors on tfjs ${engine}`, () => {
    let backend: TfjsBackend;
    beforeAll(async () => {
      backend = await createBackend({ engines: [engine] });
    });
    afterAll(async () => {
      await backend.dispose();
    });
    CONFIGS.forEach((config, i) => {
      it(`${config.mode}: forward, gradients, dispose`, async () => {
        const c = randomCase(defineSpec(config), 3, 2, 50 + i);
        const before = tf.memory().numTensors;
        const model = await backend.createModel(c.spec, c.params);
        const loaded = tf.memory().numTensors;
        expect(loaded).toBeGreaterThan(before);
        await model.forward(c.input, c.initial);
        await model.forward(c.input, undefined, { lengths: [3, 1], training: true, dropoutSeed: 4 });
        expect(tf.memory().numTensors).toBe(loaded);
        const out = await model.forward(c.input, c.initial);
        await model.gradients(c.input, c.initial, { output: randomTensor(out.output.shape, 1), h: randomTensor(out.state.h.shape, 2) });
        await model.gradients(c.input, undefined, { output: randomTensor(out.output.shape, 3) }, { lengths: [2, 3] });
        expect(tf.memory().numTensors).toBe(loaded);
        await model.dispose();
        await model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    });
    it('a rejected call (bad shape) leaks nothing and leaves the model usable', async () => {
      const c = randomCase(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 }), 2, 2, 7);
      await using model = await backend.createModel(c.spec, c.params);
      const loaded = tf.memory().numTensors;
      await expect(model.forward(randomTensor([2, 2, 5], 1))).rejects.toMatchObject({ code: 'E_SHAPE' });
      expect(tf.memory().numTensors).toBe(loaded);
      await expect(model.forward(c.input)).resolves.toBeDefined();
    });
    it('training steps on createTfjsRnn variables leak nothing (steady after the first step)', async () => {
      const c = randomCase(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 }), 3, 2, 8);
      const optimizer = tf.train.sgd(0.1);
      const before = tf.memory().numTensors;
      const rnn = await createTfjsRnn(backend, c.spec, c.params);
      const step = (): Promise<void> =>
        backend.run(() => {
          const x = tf.tensor(Float32Array.from(c.input.data), [...c.input.shape]);
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(rnn.apply(x).output)));
          optimizer.applyGradients(grads);
          tf.dispose([x, value, ...Object.values(grads)]);
        });
      await step();
      // The variables, the optimizer's state and the latest apply's transposed weights (kept for its gradient).
      const steady = tf.memory().numTensors;
      await step();
      await step();
      expect(tf.memory().numTensors).toBe(steady);
      rnn.dispose();
      rnn.dispose();
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
    });
  });
}
