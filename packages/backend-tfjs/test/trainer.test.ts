import { type GradOutput, type RnnConfig, type Tensor, compareTensors, createReferenceBackend, defineSpec, initParams, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, createTfjsTrainer } from '../src/index.js';

const backend = await createBackend({ engines: ['wasm'] });
afterAll(() => backend.dispose());
const oracle = createReferenceBackend({ dtype: 'float64' });

/** A fixed output gradient, as a head would return it. */
const head = (y: Tensor): GradOutput => ({ output: tensor(Float32Array.from(y.data, (_, i) => Math.cos(i * 0.7)), y.shape) });

async function referenceGrads(config: RnnConfig, x: Tensor) {
  const spec = defineSpec(config);
  const params = initParams(spec, { seed: 4 });
  const model = await oracle.createModel(spec, params);
  const { output, state } = await model.forward(x);
  const grads = await model.gradients!(x, undefined, head(output));
  return { spec, params, output, state, grads: grads.params };
}

describe('createTfjsTrainer', () => {
  it.each<[string, RnnConfig]>([
    ['rnn_tanh, 2 layers', { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 2 }],
    ['gru, bidirectional', { mode: 'gru', inputSize: 4, hiddenSize: 5, bidirectional: true }],
    ['lstm, projection', { mode: 'lstm', inputSize: 3, hiddenSize: 6, numLayers: 2, projSize: 3 }],
  ])('%s: output, state and parameter gradients agree with the float64 reference', async (_name, config) => {
    const x = tensor(Float32Array.from({ length: 7 * 3 * config.inputSize }, (_, i) => Math.sin(i * 1.3)), [7, 3, config.inputSize]);
    const want = await referenceGrads(config, x);
    await using trainer = createTfjsTrainer(backend, want.spec);
    for (let step = 0; step < 2; step++) {
      // The second call reuses the variables with new values written in.
      const got = await trainer.forwardBackward(want.params, x, undefined, head, {});
      expect(compareTensors(got.output, want.output).pass).toBe(true);
      expect(compareTensors(got.state.h, want.state.h).pass).toBe(true);
      expect(Object.keys(got.paramGrads).sort()).toEqual(Object.keys(want.grads).sort());
      // Gradients sum over steps and rows: float32 against float64 within 1e-4 + 1e-3 |want|.
      for (const [name, g] of Object.entries(want.grads)) {
        const c = compareTensors(got.paramGrads[name]!, g, { atol: 1e-4, rtol: 1e-3 });
        expect(c.detail, name).toBe('');
      }
    }
  });

  it('writes new parameter values into its variables between steps and leaks no tensors', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
    const x = tensor(Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.cos(i)), [5, 2, 3]);
    const trainer = createTfjsTrainer(backend, spec);
    const a = await trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {});
    const before = tf.memory().numTensors;
    const b = await trainer.forwardBackward(initParams(spec, { seed: 2 }), x, undefined, head, {});
    expect(tf.memory().numTensors).toBe(before);
    expect(b.output.data).not.toEqual(a.output.data);
    const again = await trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {});
    expect(again.output.data).toEqual(a.output.data);
    await trainer.dispose();
    await trainer.dispose();
    await expect(trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {})).rejects.toThrow(/used after dispose/);
  });
});
