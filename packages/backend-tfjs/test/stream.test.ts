import {
  BackendDisposedError,
  type RnnSpec,
  type RnnState,
  type RnnStream,
  type Tensor,
  UnsupportedError,
  defineSpec,
  tensor,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { expectClose, randomCase, randomTensor } from './helpers.js';

const TOL = { atol: 1e-5, rtol: 1e-4 };

function steps(x: Tensor, from: number, to: number): Tensor {
  const per = (x.shape[1] as number) * (x.shape[2] as number);
  return tensor(Float32Array.from(x.data.subarray(from * per, to * per)), [to - from, x.shape[1]!, x.shape[2]!]);
}

describe('tfjs stream', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createBackend({ engines: ['wasm'] });
  });
  afterAll(async () => {
    await backend.dispose();
  });

  for (const mode of ['gru', 'lstm', 'rnn_relu'] as const) {
    it(`${mode}: chunks 1+2+1+3 equal one forward, and the tensor count stays flat`, async () => {
      const spec = defineSpec({
        mode,
        inputSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        ...(mode === 'lstm' ? { projSize: 2 } : {}),
      });
      const c = randomCase(spec, 7, 2, 4);
      await using model = await backend.createModel(c.spec, c.params);
      const whole = await model.forward(c.input, c.initial);
      const before = tf.memory().numTensors;
      const stream = await model.stream({ initial: c.initial as RnnState });
      const held = tf.memory().numTensors;
      const outs = await streamInChunks(stream, c.input, held);
      expectClose(tensor(Float64Array.from(outs), whole.output.shape), whole.output, TOL, 'output');
      const s = await stream.readState();
      expectClose(s.h, whole.state.h, TOL, 'h');
      if (mode === 'lstm') expectClose(s.c!, whole.state.c!, TOL, 'c');
      await stream.step(steps(c.input, 0, 2), { lengths: [1, 2], reset: [1, 0] });
      await stream.reset();
      expect(tf.memory().numTensors).toBe(held);
      await stream.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a model disposed under a stream frees its state; the stream then throws BackendDisposedError', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3 });
    const c = randomCase(spec, 2, 1, 9);
    const before = tf.memory().numTensors;
    const model = await backend.createModel(c.spec, c.params);
    const stream = await model.stream();
    await stream.step(randomTensor([1, 2], 3));
    await model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(stream.step(randomTensor([1, 2], 3))).rejects.toThrow(BackendDisposedError);
    await expect(stream.readState()).rejects.toThrow(/model was disposed/);
    await stream.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bidirectional spec', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true });
    const c = randomCase(spec, 2, 1, 9);
    await using model = await backend.createModel(c.spec, c.params);
    await expect(model.stream()).rejects.toThrow(UnsupportedError);
  });
});

/** Steps `stream` through the 7 steps of `input` in chunks 1+2+1+3, the tensor count staying at `held`; the outputs. */
async function streamInChunks(stream: RnnStream, input: Tensor, held: number): Promise<number[]> {
  const outs: number[] = [];
  for (const [a, b] of [
    [0, 1],
    [1, 3],
    [3, 4],
    [4, 7],
  ] as const) {
    outs.push(...(await stream.step(steps(input, a, b))).data);
    expect(tf.memory().numTensors).toBe(held);
  }
  return outs;
}

/** Streams `spec` in chunks 1+2+1+3 on `backend`; returns the stream's outputs, h and forward's. */
async function chunksAndForward(backend: TfjsBackend, spec: RnnSpec, seed: number) {
  const c = randomCase(spec, 7, 3, seed);
  await using model = await backend.createModel(c.spec, c.params);
  const whole = await model.forward(c.input, c.initial);
  const before = tf.memory().numTensors;
  const stream = await model.stream({ initial: c.initial as RnnState });
  const held = tf.memory().numTensors;
  const outs = await streamInChunks(stream, c.input, held);
  const h = (await stream.readState()).h;
  await stream.reset();
  expect(tf.memory().numTensors).toBe(held);
  await stream.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { output: tensor(Float32Array.from(outs), whole.output.shape), h, whole };
}

// PyTorch's GRU streams through its own step (stream-gru.ts: [1, B, F] tensors, bare product kernels,
// the n gate's tanh folded into doubled weights on wasm); these pin it to forward's cells.
describe('tfjs stream, GRU fast step', () => {
  const backends: Record<string, TfjsBackend> = {};
  beforeAll(async () => {
    backends.wasm = await createBackend({ engines: ['wasm'] });
    backends.cpu = await createBackend({ engines: ['cpu'] });
  });
  afterAll(async () => {
    for (const b of Object.values(backends)) await b.dispose();
  });

  it('wasm, PyTorch GRU: the stream gives forward bit for bit (doubling the n gate is exact)', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 5, hiddenSize: 6, numLayers: 3 });
    const r = await chunksAndForward(backends.wasm!, spec, 11);
    expect(Array.from(r.output.data)).toEqual(Array.from(Float32Array.from(r.whole.output.data)));
    expect(Array.from(Float32Array.from(r.h.data))).toEqual(Array.from(Float32Array.from(r.whole.state.h.data)));
  });

  for (const [name, engine, extra] of [
    ['wasm, ONNX reset-before (linearBeforeReset false)', 'wasm', { linearBeforeReset: false }],
    ['wasm, no bias', 'wasm', { bias: false }],
    ['cpu (tanh not folded)', 'cpu', {}],
    ['cpu, ONNX reset-before, no bias', 'cpu', { linearBeforeReset: false, bias: false }],
  ] as const) {
    it(`${name}: chunks equal one forward, the tensor count stays flat`, async () => {
      const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, ...extra });
      const r = await chunksAndForward(backends[engine]!, spec, 5);
      expectClose(r.output, r.whole.output, TOL, 'output');
      expectClose(r.h, r.whole.state.h, TOL, 'h');
    });
  }
});
