import { type RnnConfig, defineSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { randomCase, randomTensor } from './helpers.js';

// Every forward and every gradient call leaves tf.memory().numTensors where it was; dispose frees
// the uploaded weights (the count returns to its value before createModel).
const CONFIGS: RnnConfig[] = [
  { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true },
  { mode: 'rnn_relu', inputSize: 3, hiddenSize: 4, batchFirst: true, tiedLayers: true, numLayers: 3 },
  { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, linearBeforeReset: false, clip: 2 },
  {
    mode: 'lstm',
    inputSize: 3,
    hiddenSize: 4,
    projSize: 2,
    peepholes: true,
    bidirectional: true,
    dropout: 0.3,
    numLayers: 2,
  },
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
        await model.gradients(c.input, c.initial, {
          output: randomTensor(out.output.shape, 1),
          h: randomTensor(out.state.h.shape, 2),
        });
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
    it('trainer steps leak nothing (steady after the first step; dispose frees everything)', async () => {
      const c = randomCase(
        defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.2 }),
        3,
        2,
        8,
      );
      const before = tf.memory().numTensors;
      const head = { weight: randomTensor([5, 4], 1), bias: randomTensor([5], 2) };
      const trainer = await backend.createTrainer(c.spec, {
        params: { rnn: c.params, head },
        optimizer: { name: 'adam', lr: 0.01 },
        gradClipNorm: 1,
      });
      const targets = Int32Array.from({ length: 6 }, (_, i) => i % 5);
      let r = await trainer.step({ input: c.input, targets, dropoutSeed: 1 });
      // The variables, the Adam moments and the carried state.
      const steady = tf.memory().numTensors;
      r = await trainer.step({ input: c.input, targets, initial: r.state, dropoutSeed: 2 });
      await trainer.step({ input: c.input, targets, initial: r.state, dropoutSeed: 3 });
      expect(tf.memory().numTensors).toBe(steady);
      await trainer.dispose();
      await trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
