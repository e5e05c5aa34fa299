import {
  type CarriedState,
  type OptimizerOptions,
  type RnnConfig,
  type RnnSpec,
  type RnnState,
  type RnnTrainer,
  type Tensor,
  type TrainBatch,
  type TrainerParams,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const backend = await createBackend({ engines: ['wasm'] });
afterAll(() => backend.dispose());
const oracle = createReferenceBackend({ dtype: 'float64' });
const [T, B, V] = [6, 3, 4];

function inputOf(spec: RnnSpec, seed: number): Tensor {
  const shape = spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
  return tensor(
    Float32Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(i * 1.3 + seed)),
    shape,
  );
}

function headOf(spec: RnnSpec): TrainerParams['head'] {
  const F = (spec.projSize || spec.hiddenSize) * (spec.bidirectional ? 2 : 1);
  return {
    weight: tensor(
      Float32Array.from({ length: V * F }, (_, i) => 0.5 * Math.cos(i * 0.9)),
      [V, F],
    ),
    bias: tensor(
      Float32Array.from({ length: V }, (_, i) => 0.1 * i),
      [V],
    ),
  };
}

/** Three steps carrying the state, each with new targets in the output's row order; the final parameters and step results. */
async function run(
  trainer: RnnTrainer,
  spec: RnnSpec,
): Promise<{ params: TrainerParams; losses: number[]; norms: number[] }> {
  let initial: CarriedState | undefined;
  const losses: number[] = [];
  const norms: number[] = [];
  for (let k = 0; k < 3; k++) {
    const targets = Int32Array.from({ length: T * B }, (_, i) => (i * 7 + k) % V);
    const r = await trainer.step({ input: inputOf(spec, k), targets, dropoutSeed: k, ...(initial ? { initial } : {}) });
    losses.push(r.loss);
    norms.push(r.gradNorm);
    initial = r.state;
  }
  return { params: await trainer.readParams(), losses, norms };
}

describe('tfjs trainer (backend.createTrainer)', () => {
  it.each<[string, RnnConfig, OptimizerOptions]>([
    [
      'rnn_tanh, 2 layers, sgd',
      { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 2 },
      { name: 'sgd', lr: 1 },
    ],
    [
      'gru, bidirectional, batch-first, adam',
      { mode: 'gru', inputSize: 4, hiddenSize: 5, bidirectional: true, batchFirst: true },
      { name: 'adam', lr: 0.01, eps: 0.01 },
    ],
    [
      'lstm, projection, dropout, sgd',
      { mode: 'lstm', inputSize: 3, hiddenSize: 6, numLayers: 2, projSize: 3, dropout: 0.3 },
      { name: 'sgd', lr: 0.5 },
    ],
  ])(
    '%s: three steps (head, clipping, update, carried state) agree with the float64 reference trainer',
    async (_name, config, optimizer) => {
      const spec = defineSpec(config);
      const init = { params: { rnn: initParams(spec, { seed: 4 }), head: headOf(spec) }, optimizer, gradClipNorm: 0.5 };
      await using want = await oracle.createTrainer!(spec, init);
      await using got = await backend.createTrainer(spec, init);
      const w = await run(want, spec);
      const g = await run(got, spec);
      const tol = { atol: 1e-4, rtol: 1e-3 };
      for (let k = 0; k < 3; k++) {
        expect(Math.abs(g.losses[k]! - w.losses[k]!) / w.losses[k]!).toBeLessThan(1e-5);
        expect(Math.abs(g.norms[k]! - w.norms[k]!) / w.norms[k]!).toBeLessThan(1e-4);
      }
      for (const [name, t] of Object.entries(w.params.rnn))
        expect(compareTensors(g.params.rnn[name]!, t, tol).detail, name).toBe('');
      expect(compareTensors(g.params.head!.weight, w.params.head!.weight, tol).detail).toBe('');
      expect(compareTensors(g.params.head!.bias, w.params.head!.bias, tol).detail).toBe('');
    },
  );

  it('without a head the loss is sum(output ⊙ gradOutput), as the reference trainer', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const init = {
      params: { rnn: initParams(spec, { seed: 2 }), head: null },
      optimizer: { name: 'sgd', lr: 0.1 } as const,
      gradClipNorm: null,
    };
    const gradOutput = tensor(
      Float32Array.from({ length: T * B * 4 }, (_, i) => Math.cos(i * 0.7)),
      [T, B, 4],
    );
    const batch: TrainBatch = { input: inputOf(spec, 0), gradOutput };
    await using want = await oracle.createTrainer!(spec, init);
    await using got = await backend.createTrainer(spec, init);
    const [rw, rg] = [await want.step(batch), await got.step(batch)];
    expect(Math.abs(rg.loss - rw.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(rw.loss)));
    const [pw, pg] = [await want.readParams(), await got.readParams()];
    for (const [name, t] of Object.entries(pw.rnn))
      expect(compareTensors(pg.rnn[name]!, t, { atol: 1e-5, rtol: 1e-4 }).detail, name).toBe('');
    const [sw, sg] = [await rw.state.read(), await rg.state.read()];
    expect(compareTensors(sg.h, sw.h, { atol: 1e-5, rtol: 1e-4 }).detail).toBe('');
  });

  it('checkpoint and restore resume bit-identically (Adam moments and step included)', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
    const init = {
      params: { rnn: initParams(spec, { seed: 1 }), head: headOf(spec) },
      optimizer: { name: 'adam', lr: 0.01 } as const,
      gradClipNorm: 1,
    };
    const targets = Int32Array.from({ length: T * B }, (_, i) => i % V);
    await using a = await backend.createTrainer(spec, init);
    let r = await a.step({ input: inputOf(spec, 0), targets });
    r = await a.step({ input: inputOf(spec, 1), targets, initial: r.state });
    const saved = {
      params: await a.readParams(),
      optimizerState: await a.readOptimizerState(),
      state: await r.state.read(),
    };
    expect(saved.optimizerState.step).toBe(2);
    await using b = await backend.createTrainer(spec, {
      ...init,
      params: saved.params,
      optimizerState: saved.optimizerState,
    });
    const next = { input: inputOf(spec, 2), targets };
    const [ra, rb] = [await a.step({ ...next, initial: r.state }), await b.step({ ...next, initial: saved.state })];
    expect(rb.loss).toBe(ra.loss);
    const [pa, pb] = [await a.readParams(), await b.readParams()];
    for (const [name, t] of Object.entries(pa.rnn))
      expect(Array.from(pb.rnn[name]!.data), name).toEqual(Array.from(t.data));
    expect(Array.from(pb.head!.weight.data)).toEqual(Array.from(pa.head!.weight.data));
  });

  it('leaks nothing per step, rejects bad batches with typed errors before changing anything, and frees everything on dispose', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4 });
    const before = tf.memory().numTensors;
    const trainer = await backend.createTrainer(spec, {
      params: { rnn: initParams(spec, { seed: 1 }), head: headOf(spec) },
      optimizer: { name: 'sgd', lr: 1 },
      gradClipNorm: 1,
    });
    const targets = new Int32Array(T * B);
    const first = await trainer.step({ input: inputOf(spec, 0), targets });
    const steady = tf.memory().numTensors;
    let state: CarriedState = (await trainer.step({ input: inputOf(spec, 0), targets, initial: first.state })).state;
    expect(tf.memory().numTensors).toBe(steady);
    // A superseded carried state can no longer be read or passed.
    await expect(first.state.read()).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await expect(trainer.step({ input: inputOf(spec, 0), targets, initial: first.state })).rejects.toMatchObject({
      code: 'E_DISPOSED',
    });
    const params = await trainer.readParams();
    await expect(trainer.step({ input: inputOf(spec, 0), targets: new Int32Array(5) })).rejects.toMatchObject({
      code: 'E_SHAPE',
    });
    await expect(trainer.step({ input: inputOf(spec, 0), targets: targets.map(() => V) })).rejects.toThrow(
      /targets must be class indices in \[0, 4\), got 4/,
    );
    await expect(
      trainer.step({
        input: tensor(new Float32Array(T * 2 * 3), [T, 2, 3]),
        targets: new Int32Array(T * 2),
        initial: state,
      }),
    ).rejects.toMatchObject({ code: 'E_SHAPE' });
    const h: RnnState = await state.read();
    expect(h.h.shape).toEqual([1, B, 4]);
    expect(Array.from((await trainer.readParams()).rnn.weight_hh_l0!.data)).toEqual(
      Array.from(params.rnn.weight_hh_l0!.data),
    );
    expect(tf.memory().numTensors).toBe(steady);
    state = (await trainer.step({ input: inputOf(spec, 1), targets, initial: state })).state;
    await trainer.dispose();
    await trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainer.step({ input: inputOf(spec, 0), targets })).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await expect(state.read()).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  it('refuses parameters, a head or an optimizer state that do not fit the spec (typed errors)', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4 });
    const rnn = initParams(spec, { seed: 1 });
    const base = { params: { rnn, head: headOf(spec) }, optimizer: { name: 'sgd', lr: 1 } as const, gradClipNorm: 1 };
    await expect(
      backend.createTrainer(spec, {
        ...base,
        params: { rnn: { ...rnn, weight_hh_l0: tensor(new Float32Array(12), [3, 4]) }, head: null },
      }),
    ).rejects.toMatchObject({ code: 'E_PARAMETER' });
    await expect(
      backend.createTrainer(spec, {
        ...base,
        params: { rnn, head: { weight: tensor(new Float32Array(6), [2, 3]), bias: tensor(new Float32Array(2), [2]) } },
      }),
    ).rejects.toThrow(/head weight must be \[V, 4\]/);
    await expect(
      backend.createTrainer(spec, {
        ...base,
        optimizerState: { step: 1, moments: { 'm.nope': tensor(new Float32Array(1), [1]) } },
      }),
    ).rejects.toMatchObject({ code: 'E_PARAMETER' });
    await expect(backend.createTrainer(spec, { ...base, optimizer: { name: 'sgd', lr: -1 } })).rejects.toMatchObject({
      code: 'E_UNSUPPORTED',
    });
  });
});
