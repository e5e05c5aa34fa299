import {
  type CarriedState,
  type OptimizerOptions,
  type RnnConfig,
  type RnnSpec,
  type RnnTrainer,
  type Tensor,
  type TrainerParams,
  UnsupportedError,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  initParams,
  outputSize,
  tensor,
} from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { describeOnAdapter, probeBackend } from './adapter.js';

const probe = await probeBackend();
const oracle = createReferenceBackend({ dtype: 'float64' });
const [T, B, V] = [5, 3, 4];

function inputOf(spec: RnnSpec, seed: number): Tensor {
  const shape = spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
  return tensor(
    Float32Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(i * 1.3 + seed)),
    shape,
  );
}

function headOf(spec: RnnSpec, classes: number): TrainerParams['head'] {
  const F = outputSize(spec) * (spec.bidirectional ? 2 : 1);
  return {
    weight: tensor(
      Float32Array.from({ length: classes * F }, (_, i) => 0.5 * Math.cos(i * 0.9)),
      [classes, F],
    ),
    bias: tensor(
      Float32Array.from({ length: classes }, (_, i) => 0.1 * i),
      [classes],
    ),
  };
}

function gradOutputOf(spec: RnnSpec, k: number): Tensor {
  const F = outputSize(spec) * (spec.bidirectional ? 2 : 1);
  const shape = spec.batchFirst ? [B, T, F] : [T, B, F];
  return tensor(
    Float32Array.from({ length: T * B * F }, (_, i) => Math.cos(i * 0.7 + k)),
    shape,
  );
}

interface Run {
  readonly params: TrainerParams;
  readonly losses: number[];
  readonly norms: number[];
  readonly finalH: Tensor;
  readonly finalC: Tensor | undefined;
}

/** Three steps carrying the state (targets with a head, an output gradient without), then the parameters. */
async function run(trainer: RnnTrainer, spec: RnnSpec, withHead: boolean, lengths?: number[]): Promise<Run> {
  let initial: CarriedState | undefined;
  const losses: number[] = [];
  const norms: number[] = [];
  for (let k = 0; k < 3; k++) {
    const loss = withHead
      ? { targets: Int32Array.from({ length: T * B }, (_, i) => (i * 7 + k) % V) }
      : { gradOutput: gradOutputOf(spec, k) };
    const r = await trainer.step({
      input: inputOf(spec, k),
      ...loss,
      dropoutSeed: 11 + k,
      ...(initial ? { initial } : {}),
      ...(lengths ? { lengths } : {}),
    });
    losses.push(r.loss);
    norms.push(r.gradNorm);
    initial = r.state;
  }
  const final = await initial!.read();
  return { params: await trainer.readParams(), losses, norms, finalH: final.h, finalC: final.c };
}

const TOL = { atol: 1e-4, rtol: 1e-3 };

describeOnAdapter('webgpu trainer', probe, (gpu) => {
  afterAll(async () => {
    await gpu.dispose();
    await oracle.dispose();
  });

  it.each<[string, RnnConfig, OptimizerOptions, boolean, number[]?]>([
    [
      'rnn_tanh, 2 layers, head, sgd (the d2l setup)',
      { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 2 },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'rnn_relu, bidirectional, batch-first, no head, adam',
      { mode: 'rnn_relu', inputSize: 4, hiddenSize: 5, bidirectional: true, batchFirst: true },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
    ],
    [
      'rnn_tanh, 3 tied layers, dropout, lengths, head, adam',
      {
        mode: 'rnn_tanh',
        inputSize: 3,
        hiddenSize: 7,
        numLayers: 3,
        tiedLayers: true,
        dropout: 0.3,
        bidirectional: true,
      },
      { name: 'adam', lr: 0.02 },
      true,
      [5, 2, 4],
    ],
    [
      'rnn_tanh, no bias, sigmoid, sgd',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 40, bias: false, activations: [{ name: 'Sigmoid' }] },
      { name: 'sgd', lr: 0.5 },
      true,
    ],
    [
      'gru, 2 layers, head, sgd',
      { mode: 'gru', inputSize: 5, hiddenSize: 6, numLayers: 2 },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'gru, bidirectional, batch-first, lengths, no head, adam',
      { mode: 'gru', inputSize: 3, hiddenSize: 8, bidirectional: true, batchFirst: true },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
      [4, 5, 1],
    ],
    [
      'gru, 3 tied layers, no bias, dropout, head, adam',
      { mode: 'gru', inputSize: 4, hiddenSize: 5, numLayers: 3, tiedLayers: true, bias: false, dropout: 0.25 },
      { name: 'adam', lr: 0.02 },
      true,
    ],
    [
      'lstm, 2 layers, dropout, head, sgd',
      { mode: 'lstm', inputSize: 5, hiddenSize: 8, numLayers: 2, dropout: 0.2 },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'lstm, bidirectional, lengths, no head, adam',
      { mode: 'lstm', inputSize: 3, hiddenSize: 7, bidirectional: true },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
      [5, 3, 2],
    ],
    [
      'lstm, projections, 2 layers, dropout, head, adam',
      { mode: 'lstm', inputSize: 4, hiddenSize: 8, projSize: 3, numLayers: 2, dropout: 0.3 },
      { name: 'adam', lr: 0.02 },
      true,
    ],
    [
      'lstm, projections, bidirectional, batch-first, lengths, no head, sgd',
      { mode: 'lstm', inputSize: 3, hiddenSize: 12, projSize: 8, bidirectional: true, batchFirst: true },
      { name: 'sgd', lr: 0.5 },
      false,
      [2, 5, 4],
    ],
    [
      'rnn_tanh, clip 0.6, 2 layers, head, sgd',
      { mode: 'rnn_tanh', inputSize: 4, hiddenSize: 6, numLayers: 2, clip: 0.6 },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'gru, clip 0.5, bidirectional, head, sgd',
      { mode: 'gru', inputSize: 3, hiddenSize: 5, bidirectional: true, clip: 0.5 },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'lstm, clip 0.7, 2 layers, lengths, no head, adam',
      { mode: 'lstm', inputSize: 4, hiddenSize: 6, numLayers: 2, clip: 0.7 },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
      [5, 4, 2],
    ],
    [
      'lstm, peepholes, 2 layers, head, sgd',
      { mode: 'lstm', inputSize: 4, hiddenSize: 6, numLayers: 2, peepholes: true },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'lstm, peepholes, input_forget, clip, projections, bidirectional, lengths, no head, adam',
      {
        mode: 'lstm',
        inputSize: 3,
        hiddenSize: 8,
        projSize: 4,
        bidirectional: true,
        peepholes: true,
        inputForget: true,
        clip: 0.8,
      },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
      [3, 5, 4],
    ],
    [
      'gru reset-before, 2 layers, head, sgd',
      { mode: 'gru', inputSize: 4, hiddenSize: 6, numLayers: 2, linearBeforeReset: false },
      { name: 'sgd', lr: 1 },
      true,
    ],
    [
      'gru reset-before, clip, bidirectional, batch-first, lengths, no bias, no head, adam',
      {
        mode: 'gru',
        inputSize: 3,
        hiddenSize: 8,
        bidirectional: true,
        batchFirst: true,
        bias: false,
        linearBeforeReset: false,
        clip: 0.6,
      },
      { name: 'adam', lr: 0.01, eps: 0.01 },
      false,
      [5, 2, 3],
    ],
    [
      'lstm, input_forget, softsign cell, no bias, head, sgd',
      {
        mode: 'lstm',
        inputSize: 2,
        hiddenSize: 12,
        bias: false,
        inputForget: true,
        activations: [{ name: 'Sigmoid' }, { name: 'Softsign' }, { name: 'Tanh' }],
      },
      { name: 'sgd', lr: 0.5 },
      true,
    ],
  ])(
    '%s: three steps agree with the float64 reference trainer',
    async (_name, config, optimizer, withHead, lengths) => {
      const spec = defineSpec(config);
      const init = {
        params: { rnn: initParams(spec, { seed: 4 }), head: withHead ? headOf(spec, V) : null },
        optimizer,
        gradClipNorm: 0.5,
      };
      await using want = await oracle.createTrainer!(spec, init);
      await using got = await gpu.createTrainer(spec, init);
      const w = await run(want, spec, withHead, lengths);
      const g = await run(got, spec, withHead, lengths);
      for (let k = 0; k < 3; k++) {
        expect(Math.abs(g.losses[k]! - w.losses[k]!)).toBeLessThan(1e-4 * (1 + Math.abs(w.losses[k]!)));
        expect(Math.abs(g.norms[k]! - w.norms[k]!)).toBeLessThan(1e-4 * (1 + w.norms[k]!));
      }
      for (const [name, t] of Object.entries(w.params.rnn))
        expect(compareTensors(g.params.rnn[name]!, t, TOL).detail, name).toBe('');
      if (withHead) {
        expect(compareTensors(g.params.head!.weight, w.params.head!.weight, TOL).detail).toBe('');
        expect(compareTensors(g.params.head!.bias, w.params.head!.bias, TOL).detail).toBe('');
      }
      expect(compareTensors(g.finalH, w.finalH, TOL).detail).toBe('');
      expect(g.finalC === undefined).toBe(spec.mode !== 'lstm');
      if (w.finalC) expect(compareTensors(g.finalC!, w.finalC, TOL).detail).toBe('');
      expect(got.lastStepStats?.submits).toBe(1);
      expect(got.lastStepStats?.bytesRead).toBe(8);
    },
  );

  it('restores parameters and Adam state so that a step replays bit for bit', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const init = {
      params: { rnn: initParams(spec, { seed: 2 }), head: headOf(spec, V) },
      optimizer: { name: 'adam', lr: 0.05 } as const,
      gradClipNorm: 1,
    };
    await using t = await gpu.createTrainer(spec, init);
    const batch = { input: inputOf(spec, 1), targets: Int32Array.from({ length: T * B }, (_, i) => i % V) };
    await t.step(batch);
    const params = await t.readParams();
    const optimizerState = await t.readOptimizerState();
    expect(optimizerState.step).toBe(1);
    expect(Object.keys(optimizerState.moments)).toContain('m.weight_hh_l1');
    const first = await t.step(batch);
    const after = await t.readParams();
    await t.restore({ params, optimizerState });
    const again = await t.step(batch);
    expect(again.loss).toBe(first.loss);
    expect(again.gradNorm).toBe(first.gradNorm);
    expect(
      compareTensors((await t.readParams()).rnn.weight_ih_l0!, after.rnn.weight_ih_l0!, { atol: 0, rtol: 0 }).detail,
    ).toBe('');
  });

  it('refuses what its kernels cannot train, naming it', async () => {
    const spec = defineSpec({
      mode: 'gru',
      inputSize: 2,
      hiddenSize: 3,
      activations: [{ name: 'LeakyRelu', alpha: -0.5 }, { name: 'Tanh' }],
    });
    const init = {
      params: { rnn: initParams(spec), head: null },
      optimizer: { name: 'sgd', lr: 0.1 } as const,
      gradClipNorm: null,
    };
    await expect(gpu.createTrainer(spec, init)).rejects.toThrow(UnsupportedError);
    await expect(gpu.createTrainer(spec, init)).rejects.toThrow(/LeakyRelu alpha -0.5 is not implemented/);
    expect(gpu.unsupportedTraining(spec)).toMatch(/LeakyRelu alpha -0.5/);
    expect(
      gpu.unsupportedTraining(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3, linearBeforeReset: false })),
    ).toBeNull();
  });

  it('refuses a carried state after the trainer moved on', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    await using t = await gpu.createTrainer(spec, {
      params: { rnn: initParams(spec), head: headOf(spec, V) },
      optimizer: { name: 'sgd', lr: 0.1 },
      gradClipNorm: null,
    });
    const batch = { input: inputOf(spec, 0), targets: new Int32Array(T * B) };
    const a = await t.step(batch);
    await t.step({ ...batch, initial: a.state });
    await expect(a.state.read()).rejects.toThrow(/superseded/);
    await expect(t.step({ ...batch, initial: a.state })).rejects.toThrow(/no longer holds/);
  });
});
