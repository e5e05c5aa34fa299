import { BackendDisposedError, ParameterError, defineSpec, initParams, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend, createTfjsRnn } from '../src/index.js';
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

  it('createTfjsRnn: apply + tf.variableGrads equals model.gradients, readParams round-trips', async () => {
    const c = randomCase(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2, numLayers: 2 }), 3, 2, 6, false);
    const rnn = await createTfjsRnn(backend, c.spec, c.params);
    await using model = await backend.createModel(c.spec, c.params);
    const out = await model.forward(c.input);
    // d/dθ of sum(output²)/2 is model.gradients with gradOutput.output = output.
    const want = await model.gradients(c.input, undefined, { output: out.output });
    const got = await backend.run(() =>
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(c.input.data), [...c.input.shape]);
        const { grads } = tf.variableGrads(() => tf.mul(tf.sum(tf.square(rnn.apply(x).output)), 0.5));
        return Object.entries(rnn.variables).map(([name, v]) => ({ name, data: (grads[v.name] as tf.Tensor).dataSync().slice() }));
      }),
    );
    for (const { name, data } of got) {
      const w = want.params[name];
      if (w === undefined) throw new Error(`no reference gradient for ${name}`);
      expectClose(tensor(Float32Array.from(data), w.shape), w, { atol: 1e-5, rtol: 1e-4 }, name);
    }
    // The same forward from per-step tensors (no split of one input tensor).
    const [fromTensor, fromSteps] = await backend.run(() =>
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(c.input.data), [...c.input.shape]);
        return [rnn.apply(x).output.dataSync().slice(), rnn.apply(tf.unstack(x)).output.dataSync().slice()];
      }),
    );
    expect(Array.from(fromSteps ?? [])).toEqual(Array.from(fromTensor ?? [1]));
    const back = await rnn.readParams();
    expect(Object.keys(back)).toEqual(Object.keys(c.params));
    for (const [name, t] of Object.entries(c.params)) expect(Array.from(back[name]?.data ?? []), name).toEqual(Array.from(t.data));
    rnn.dispose();
  });
});
