import {
  BackendDisposedError,
  type RnnSpec,
  SeededRandom,
  type Tensor,
  type TrainerParams,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// What conformance does not draw: dropout (conformance runs p = 0), checkpoint restore, carried-state
// validity, use after dispose. The float64 reference trainer is the oracle.
const backend = await createBackend({ executionProviders: ['cpu'] });
const reference = createReferenceBackend({ dtype: 'float64' });
afterAll(() => backend.dispose());

const TOL = { rtol: 1e-3, atol: 1e-4 };
const T = 4;
const B = 3;

function randomTensor(shape: number[], rng: SeededRandom): Tensor {
  return tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );
}

function head(spec: RnnSpec, classes: number, rng: SeededRandom): TrainerParams['head'] {
  const F = (spec.bidirectional ? 2 : 1) * spec.hiddenSize;
  return { weight: randomTensor([classes, F], rng), bias: randomTensor([classes], rng) };
}

function expectClose(got: TrainerParams, want: TrainerParams): void {
  const pairs: [string, Tensor, Tensor][] = Object.entries(want.rnn).map(([n, t]) => [n, got.rnn[n]!, t]);
  if (want.head && got.head)
    pairs.push(['head.weight', got.head.weight, want.head.weight], ['head.bias', got.head.bias, want.head.bias]);
  for (const [name, g, w] of pairs) {
    let worst = 0;
    for (let i = 0; i < w.data.length; i++)
      worst = Math.max(worst, Math.abs(g.data[i]! - w.data[i]!) - TOL.rtol * Math.abs(w.data[i]!));
    expect(worst, name).toBeLessThanOrEqual(TOL.atol);
  }
}

describe('onnxruntime trainer', () => {
  it("trains with dropout between layers: the masks of core's seeded definition, as the reference", async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 3, dropout: 0.4 });
    const rng = new SeededRandom(11);
    const params: TrainerParams = { rnn: initParams(spec, { seed: 2, dtype: 'float32' }), head: head(spec, 4, rng) };
    const init = { params, optimizer: { name: 'adam', lr: 0.01 } as const, gradClipNorm: 0.5 };
    const got = await backend.createTrainer(spec, init);
    const want = await reference.createTrainer!(spec, init);
    for (let k = 0; k < 3; k++) {
      const input = randomTensor([T, B, 3], rng);
      const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng.nextFloat() * 4));
      const a = await got.step({ input, targets, dropoutSeed: 100 + k });
      const b = await want.step({ input, targets, dropoutSeed: 100 + k });
      expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(b.loss));
      expect(Math.abs(a.gradNorm - b.gradNorm)).toBeLessThanOrEqual(TOL.atol + TOL.rtol * b.gradNorm);
    }
    expectClose(await got.readParams(), await want.readParams());
    await got.dispose();
    await want.dispose();
  });

  it('model.gradients in training mode applies the same dropout masks as the reference', async () => {
    const spec = defineSpec({
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 3,
      numLayers: 2,
      dropout: 0.5,
      bidirectional: true,
    });
    const rng = new SeededRandom(5);
    const params = initParams(spec, { seed: 4, dtype: 'float32' });
    const input = randomTensor([T, B, 2], rng);
    const g = { output: randomTensor([T, B, 6], rng) };
    const options = { training: true, dropoutSeed: 9 };
    await using model = await backend.createModel(spec, params);
    await using oracle = await reference.createModel(spec, params);
    const got = await model.gradients!(input, undefined, g, options);
    const want = await oracle.gradients!(input, undefined, g, options);
    expectClose({ rnn: got.params, head: null }, { rnn: want.params, head: null });
  });

  it('restores a checkpoint bit for bit: the next step gives the same parameters twice', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 4, projSize: 2, batchFirst: true });
    const rng = new SeededRandom(3);
    const params: TrainerParams = { rnn: initParams(spec, { seed: 1, dtype: 'float32' }), head: null };
    await using trainer = await backend.createTrainer(spec, {
      params,
      optimizer: { name: 'adam', lr: 0.05 },
      gradClipNorm: null,
    });
    const batch = (): { input: Tensor; gradOutput: Tensor } => ({
      input: randomTensor([B, T, 2], rng),
      gradOutput: randomTensor([B, T, 2], rng),
    });
    await trainer.step(batch());
    await trainer.step(batch());
    const savedParams = await trainer.readParams();
    const savedState = await trainer.readOptimizerState();
    expect(savedState.step).toBe(2);
    expect(Object.keys(savedState.moments)).toHaveLength(2 * Object.keys(params.rnn).length);
    const next = batch();
    await trainer.step(next);
    const first = await trainer.readParams();
    await trainer.restore({ params: savedParams, optimizerState: savedState });
    await trainer.step(next);
    const second = await trainer.readParams();
    for (const [name, t] of Object.entries(first.rnn))
      expect(Array.from(second.rnn[name]!.data), name).toEqual(Array.from(t.data));
    expect((await trainer.readOptimizerState()).step).toBe(3);
  });

  it('a carried state is valid until the next step; use after dispose is a BackendDisposedError', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    const rng = new SeededRandom(8);
    const trainer = await backend.createTrainer(spec, {
      params: { rnn: initParams(spec, { seed: 1 }), head: null },
      optimizer: { name: 'sgd', lr: 0.1 },
      gradClipNorm: 1,
    });
    const batch = { input: randomTensor([T, B, 2], rng), gradOutput: randomTensor([T, B, 3], rng) };
    const first = await trainer.step(batch);
    const state = await first.state.read();
    expect(state.h.shape).toEqual([1, B, 3]);
    const second = await trainer.step({ ...batch, initial: first.state });
    await expect(first.state.read()).rejects.toBeInstanceOf(BackendDisposedError);
    await expect(trainer.step({ ...batch, initial: first.state })).rejects.toBeInstanceOf(BackendDisposedError);
    await trainer.step({ ...batch, initial: second.state });
    await trainer.dispose();
    await trainer.dispose();
    await expect(trainer.step(batch)).rejects.toBeInstanceOf(BackendDisposedError);
    await expect(trainer.readParams()).rejects.toBeInstanceOf(BackendDisposedError);
  });
});
