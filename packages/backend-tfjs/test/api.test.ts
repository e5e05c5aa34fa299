import { BackendDisposedError, ParameterError, defineSpec, initParams, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { expectClose, randomCase } from './helpers.js';

describe('tfjs backend API', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createBackend({ engines: ['wasm'] });
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('reports its name, device and capabilities', () => {
    expect(backend.name).toBe('tfjs');
    expect(backend.device).toMatch(/^wasm \((simd|no simd), \d+ threads?\)$/);
    expect(backend.capabilities.training).toBe(true);
    expect(backend.capabilities.dtypes).toEqual(['float32']);
    expect(backend.capabilities.modes).toEqual(['rnn_tanh', 'rnn_relu', 'gru', 'lstm']);
    expect(backend.unsupported(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, peepholes: true }))).toBeNull();
  });

  it('rejects parameters that do not match the spec', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const params = initParams(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 3 }));
    await expect(backend.createModel(spec, params)).rejects.toBeInstanceOf(ParameterError);
  });

  it('a disposed model throws BackendDisposedError; dispose twice is fine', async () => {
    const c = randomCase(defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 }), 2, 1, 3);
    const model = await backend.createModel(c.spec, c.params);
    await model.dispose();
    await model.dispose();
    await expect(model.forward(c.input)).rejects.toBeInstanceOf(BackendDisposedError);
    await expect(model.gradients(c.input, undefined, {})).rejects.toBeInstanceOf(BackendDisposedError);
  });

  it('disposing the backend disposes its models and refuses new ones', async () => {
    const other = await createBackend({ engines: ['cpu'] });
    const c = randomCase(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3 }), 2, 1, 4);
    const before = tf.memory().numTensors;
    const model = await other.createModel(c.spec, c.params);
    await other.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(model.forward(c.input)).rejects.toBeInstanceOf(BackendDisposedError);
    await expect(other.createModel(c.spec, c.params)).rejects.toBeInstanceOf(BackendDisposedError);
  });

  it('two backends on different engines interleave calls and agree', async () => {
    const cpu = await createBackend({ engines: ['cpu'] });
    const c = randomCase(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 }), 4, 2, 5);
    await using a = await backend.createModel(c.spec, c.params);
    await using b = await cpu.createModel(c.spec, c.params);
    const [ra, rb] = await Promise.all([a.forward(c.input, c.initial), b.forward(c.input, c.initial)]);
    expectClose(ra.output, rb.output, { atol: 1e-5, rtol: 1e-4 }, 'output');
    await cpu.dispose();
  });

  it('gradients and the trainer share their code: a trainer step without a head moves sgd-lr times model.gradients', async () => {
    const c = randomCase(
      defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2, numLayers: 2 }),
      3,
      2,
      6,
      false,
    );
    await using model = await backend.createModel(c.spec, c.params);
    const out = await model.forward(c.input);
    const want = await model.gradients(c.input, undefined, { output: out.output });
    const params = Object.fromEntries(
      Object.entries(c.params).map(([n, t]) => [n, tensor(Float32Array.from(t.data), t.shape)]),
    );
    await using trainer = await backend.createTrainer(c.spec, {
      params: { rnn: params, head: null },
      optimizer: { name: 'sgd', lr: 1 },
      gradClipNorm: null,
    });
    await trainer.step({ input: c.input, gradOutput: out.output });
    const after = await trainer.readParams();
    for (const [name, w] of Object.entries(want.params)) {
      const moved = tensor(
        Float32Array.from(params[name]!.data, (p, i) => p - after.rnn[name]!.data[i]!),
        w.shape,
      );
      expectClose(moved, w, { atol: 1e-5, rtol: 1e-4 }, name);
    }
  });
});
