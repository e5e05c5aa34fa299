import {
  type OptimizerOptions,
  type RnnConfig,
  type RnnSpec,
  type RnnTrainer,
  type Tensor,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { matmulPlan } from '../src/train/matmul-kernel.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

// Training steps whose sizes are all multiples of 4 (T*B = 16 rows, input 8, hidden 12, 8 classes),
// so that the step's products run on the vec4 kernel (train-step.ts dispatches what matmulPlan
// picks), against the float64 reference.
const probe = await probeBackend();
const oracle = createReferenceBackend({ dtype: 'float64' });
const [T, B, V] = [4, 4, 8];
const TOL = { atol: 1e-4, rtol: 1e-3 };

function inputOf(spec: RnnSpec, seed: number): Tensor {
  return tensor(
    Float32Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(i * 1.3 + seed)),
    [T, B, spec.inputSize],
  );
}

async function threeSteps(
  trainer: RnnTrainer,
  spec: RnnSpec,
): Promise<{ losses: number[]; params: Awaited<ReturnType<RnnTrainer['readParams']>> }> {
  const losses: number[] = [];
  for (let k = 0; k < 3; k++) {
    const r = await trainer.step({
      input: inputOf(spec, k),
      targets: Int32Array.from({ length: T * B }, (_, i) => (i * 5 + k) % V),
      dropoutSeed: 3 + k,
    });
    losses.push(r.loss);
  }
  return { losses, params: await trainer.readParams() };
}

describeOnAdapter('webgpu trainer on vec4-shaped products', probe, (gpu) => {
  afterAll(async () => {
    await gpu.dispose();
    await oracle.dispose();
  });

  it('the sizes below take the vec4 kernel (dW_hh = hPrev^T dG over T*B rows)', () => {
    expect(
      matmulPlan({ M: 12, N: 12, K: T * B, a: [0, 1, 12], b: [0, 12, 1], c: [0, 12, 1], bias: null, accumulate: false })
        .kernel,
    ).toBe('vec4');
  });

  it.each<[string, RnnConfig, OptimizerOptions]>([
    [
      'rnn_tanh, 2 layers, sgd',
      { mode: 'rnn_tanh', inputSize: 8, hiddenSize: 12, numLayers: 2 },
      { name: 'sgd', lr: 1 },
    ],
    [
      'rnn_relu, bidirectional, dropout, adam',
      { mode: 'rnn_relu', inputSize: 8, hiddenSize: 12, numLayers: 2, bidirectional: true, dropout: 0.25 },
      { name: 'adam', lr: 0.01 },
    ],
  ])('%s: three steps with a head agree with the float64 reference trainer', async (_name, config, optimizer) => {
    const spec = defineSpec(config);
    const F = spec.hiddenSize * (spec.bidirectional ? 2 : 1);
    const head = {
      weight: tensor(
        Float32Array.from({ length: V * F }, (_, i) => 0.5 * Math.cos(i * 0.9)),
        [V, F],
      ),
      bias: tensor(
        Float32Array.from({ length: V }, (_, i) => 0.1 * i),
        [V],
      ),
    };
    const init = { params: { rnn: initParams(spec, { seed: 5 }), head }, optimizer, gradClipNorm: 1 };
    await using want = await oracle.createTrainer!(spec, init);
    await using got = await gpu.createTrainer(spec, init);
    const w = await threeSteps(want, spec);
    const g = await threeSteps(got, spec);
    for (let k = 0; k < 3; k++)
      expect(Math.abs(g.losses[k]! - w.losses[k]!)).toBeLessThan(1e-4 * (1 + Math.abs(w.losses[k]!)));
    for (const [name, t] of Object.entries(w.params.rnn))
      expect(compareTensors(g.params.rnn[name]!, t, TOL).detail, name).toBe('');
    expect(compareTensors(g.params.head!.weight, w.params.head!.weight, TOL).detail).toBe('');
    expect(compareTensors(g.params.head!.bias, w.params.head!.bias, TOL).detail).toBe('');
  });
});
