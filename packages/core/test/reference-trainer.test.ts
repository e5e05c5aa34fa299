import { describe, expect, it } from 'vitest';
import {
  type RnnSpec,
  type Tensor,
  type TrainerInit,
  createReferenceBackend,
  defineSpec,
  initParams,
  parameterCount,
  tensor,
  trainerBytes,
} from '../src/index.js';

const [T, B, V] = [4, 2, 3];
const spec: RnnSpec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 });
const input: Tensor = tensor(
  Float32Array.from({ length: T * B * 3 }, (_, i) => Math.sin(i)),
  [T, B, 3],
);
const targets = Int32Array.from({ length: T * B }, (_, i) => i % V);
const head = {
  weight: tensor(
    Float32Array.from({ length: V * 4 }, (_, i) => Math.cos(i) / 2),
    [V, 4],
  ),
  bias: tensor(new Float32Array(V), [V]),
};
const init: TrainerInit = {
  params: { rnn: initParams(spec, { seed: 3 }), head },
  optimizer: { name: 'adam', lr: 0.01 },
  gradClipNorm: 1,
};

describe('the reference trainer', () => {
  it('counts what a trainer holds (weights, gradients, two Adam moments) and refuses it over maxBytes before allocating', async () => {
    const weights = parameterCount(spec) + V * (4 + 1);
    expect(trainerBytes(spec, { classes: V, optimizer: 'sgd' })).toBe(weights * 2 * 4);
    expect(trainerBytes(spec, { classes: V, optimizer: 'adam' })).toBe(weights * 4 * 4);
    const backend = createReferenceBackend();
    const limit = weights * 4 * 4 - 1;
    await expect(backend.createTrainer!(spec, { ...init, maxBytes: limit })).rejects.toMatchObject({
      code: 'E_SIZE_LIMIT',
    });
    await expect(backend.createTrainer!(spec, { ...init, maxBytes: limit })).rejects.toThrow(
      /would take .* over the limit/,
    );
    await using ok = await backend.createTrainer!(spec, {
      ...init,
      optimizer: { name: 'sgd', lr: 1 },
      maxBytes: limit,
    });
    expect((await ok.step({ input, targets })).loss).toBeGreaterThan(0);
  });

  it('resumes bit-identically from its parameters, optimizer state and carried state', async () => {
    const backend = createReferenceBackend();
    await using a = await backend.createTrainer!(spec, init);
    let r = await a.step({ input, targets, dropoutSeed: 1 });
    r = await a.step({ input, targets, initial: r.state, dropoutSeed: 2 });
    const saved = {
      params: await a.readParams(),
      optimizerState: await a.readOptimizerState(),
      carried: await r.state.read(),
    };
    await using b = await backend.createTrainer!(spec, { ...init, params: saved.params });
    await b.restore({ optimizerState: saved.optimizerState });
    const [ra, rb] = [
      await a.step({ input, targets, initial: r.state, dropoutSeed: 3 }),
      await b.step({ input, targets, initial: saved.carried, dropoutSeed: 3 }),
    ];
    expect(rb.loss).toBe(ra.loss);
    expect(rb.gradNorm).toBe(ra.gradNorm);
    const [pa, pb] = [await a.readParams(), await b.readParams()];
    for (const [name, t] of Object.entries(pa.rnn))
      expect(Array.from(pb.rnn[name]!.data), name).toEqual(Array.from(t.data));
    expect((await b.readOptimizerState()).step).toBe(3);
  });

  it('raises typed errors: wrong loss inputs, a superseded carried state, a mismatched restore, use after dispose', async () => {
    const backend = createReferenceBackend();
    const trainer = await backend.createTrainer!(spec, init);
    await expect(trainer.step({ input })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(trainer.step({ input, targets, gradOutput: input })).rejects.toThrow(/takes targets, not gradOutput/);
    const first = await trainer.step({ input, targets });
    await trainer.step({ input, targets, initial: first.state });
    await expect(first.state.read()).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await expect(trainer.step({ input, targets, initial: first.state })).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await expect(trainer.restore({ params: { rnn: init.params.rnn, head: null } })).rejects.toMatchObject({
      code: 'E_PARAMETER',
    });
    await expect(
      trainer.restore({ optimizerState: { step: 1, moments: { 'm.weight_ih_l0': tensor(new Float32Array(2), [2]) } } }),
    ).rejects.toMatchObject({ code: 'E_PARAMETER' });
    await trainer.dispose();
    await trainer.dispose();
    await expect(trainer.step({ input, targets })).rejects.toMatchObject({ code: 'E_DISPOSED' });
    await expect(trainer.readParams()).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  it('without a head, needs gradOutput shaped like the output', async () => {
    await using trainer = await createReferenceBackend().createTrainer!(spec, {
      ...init,
      params: { rnn: init.params.rnn, head: null },
    });
    await expect(trainer.step({ input, targets })).rejects.toThrow(/takes gradOutput, not targets/);
    await expect(trainer.step({ input })).rejects.toThrow(/needs gradOutput \[4, 2, 4\]/);
    const r = await trainer.step({ input, gradOutput: tensor(new Float32Array(T * B * 4).fill(1), [T, B, 4]) });
    expect(Number.isFinite(r.loss)).toBe(true);
  });
});
