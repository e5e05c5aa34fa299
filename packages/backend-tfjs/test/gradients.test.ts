import {
  type Backend,
  type GradOutput,
  type RnnConfig,
  type RnnParams,
  type Tensor,
  cellStateShape,
  createReferenceBackend,
  defineSpec,
  hiddenStateShape,
  outputShape,
  tensor,
} from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { type Case, expectClose, randomCase, randomTensor } from './helpers.js';

// Gradients of L = sum(output * gOut) + sum(hN * gH) + sum(cN * gC) from tfjs autograd (float32)
// against (1) the float64 reference backend's own backpropagation, every element, and (2) central
// finite differences of the float64 reference forward, eps = 1e-6, on sampled elements. Float32
// rounding through a few steps of BPTT stays well inside atol 1e-4 + rtol 1e-3 at these sizes.
const GRAD_TOL = { atol: 1e-4, rtol: 1e-3 };
const FD_EPS = 1e-6;

const CONFIGS: { name: string; config: RnnConfig; B: number | null; lengths?: number[] }[] = [
  {
    name: 'rnn_tanh bidir 2 layers',
    config: { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true },
    B: 2,
  },
  {
    name: 'rnn_relu batchFirst no bias',
    config: { mode: 'rnn_relu', inputSize: 3, hiddenSize: 4, batchFirst: true, bias: false },
    B: 2,
  },
  { name: 'gru 2 layers', config: { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 }, B: 2 },
  {
    name: 'gru linearBeforeReset=false bidir, lengths',
    config: { mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, linearBeforeReset: false },
    B: 2,
    lengths: [3, 2],
  },
  {
    name: 'lstm projSize 2 layers',
    config: { mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2, numLayers: 2 },
    B: 2,
  },
  { name: 'lstm peepholes unbatched', config: { mode: 'lstm', inputSize: 2, hiddenSize: 3, peepholes: true }, B: null },
  {
    name: 'gru HardSigmoid/ThresholdedRelu, clip',
    config: {
      mode: 'gru',
      inputSize: 2,
      hiddenSize: 3,
      clip: 1.5,
      activations: [{ name: 'HardSigmoid' }, { name: 'ThresholdedRelu', alpha: 0.1 }],
    },
    B: 2,
  },
  {
    name: 'lstm LeakyRelu/Elu/Softsign, inputForget',
    config: {
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 3,
      inputForget: true,
      activations: [{ name: 'Softsign' }, { name: 'LeakyRelu', alpha: 0.2 }, { name: 'Elu' }],
    },
    B: 2,
  },
  {
    name: 'rnn Softplus/ScaledTanh/Affine bidir',
    config: {
      mode: 'rnn_tanh',
      inputSize: 2,
      hiddenSize: 3,
      bidirectional: true,
      activations: [{ name: 'Softplus' }],
      reverseActivations: [{ name: 'ScaledTanh', alpha: 0.9, beta: 1.1 }],
    },
    B: 2,
  },
  {
    name: 'rnn_tanh tied 3 layers',
    config: { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 3, numLayers: 3, tiedLayers: true },
    B: 2,
  },
];

function gradOutputFor(c: Case, seed: number): GradOutput {
  const call = { T: 3, B: c.input.shape.length === 2 ? 1 : 2, isUnbatched: c.input.shape.length === 2 };
  const out: { output: Tensor; h: Tensor; c?: Tensor } = {
    output: randomTensor(outputShape(c.spec, call), seed),
    h: randomTensor(hiddenStateShape(c.spec, call), seed + 1),
  };
  if (c.spec.mode === 'lstm') out.c = randomTensor(cellStateShape(c.spec, call), seed + 2);
  return out;
}

function dot(a: Tensor | undefined, b: Tensor | undefined): number {
  if (!a || !b) return 0;
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] as number) * (b.data[i] as number);
  return s;
}

function perturbed(t: Tensor, i: number, delta: number): Tensor {
  const data = Float64Array.from(t.data);
  data[i] = (data[i] as number) + delta;
  return tensor(data, t.shape);
}

describe('gradients on tfjs wasm', () => {
  let backend: TfjsBackend;
  const oracle: Backend = createReferenceBackend({ dtype: 'float64' });
  beforeAll(async () => {
    backend = await createBackend({ engines: ['wasm'] });
  });
  afterAll(async () => {
    await backend.dispose();
    await oracle.dispose();
  });

  CONFIGS.forEach((k, n) => {
    it(`${k.name}: matches reference backprop and finite differences`, async () => {
      const c = randomCase(defineSpec(k.config), 3, k.B, 300 + n, true, 1.5);
      const gOut = gradOutputFor(c, 400 + n);
      const options = k.lengths ? { lengths: k.lengths } : {};
      await using model = await backend.createModel(c.spec, c.params);
      await using ref = await oracle.createModel(c.spec, c.params);
      const got = await model.gradients(c.input, c.initial, gOut, options);
      const want = await (ref.gradients?.(c.input, c.initial, gOut, options) ??
        Promise.reject(new Error('no reference gradients')));
      for (const name of Object.keys(c.params))
        expectClose(got.params[name] as Tensor, want.params[name] as Tensor, GRAD_TOL, name);
      expectClose(got.input, want.input, GRAD_TOL, 'input');
      expectClose(got.initial.h, want.initial.h, GRAD_TOL, 'h0');
      if (want.initial.c) expectClose(got.initial.c ?? got.initial.h, want.initial.c, GRAD_TOL, 'c0');

      // Central differences of the float64 reference loss on a few elements of every parameter.
      const loss = async (params: RnnParams, input: Tensor): Promise<number> => {
        await using m = await oracle.createModel(c.spec, params);
        const r = await m.forward(input, c.initial, options);
        return dot(r.output, gOut.output) + dot(r.state.h, gOut.h) + dot(r.state.c, gOut.c);
      };
      for (const [name, p] of Object.entries(c.params)) {
        for (const i of [0, Math.floor(p.data.length / 2), p.data.length - 1]) {
          const up = await loss({ ...c.params, [name]: perturbed(p, i, FD_EPS) }, c.input);
          const down = await loss({ ...c.params, [name]: perturbed(p, i, -FD_EPS) }, c.input);
          const fd = (up - down) / (2 * FD_EPS);
          const g = got.params[name]?.data[i] as number;
          expect(Math.abs(g - fd), `${name}[${i}]: autograd ${g}, finite differences ${fd}`).toBeLessThanOrEqual(
            GRAD_TOL.atol + GRAD_TOL.rtol * Math.abs(fd),
          );
        }
      }
      const j = Math.floor(c.input.data.length / 3);
      const fdIn =
        ((await loss(c.params, perturbed(c.input, j, FD_EPS))) -
          (await loss(c.params, perturbed(c.input, j, -FD_EPS)))) /
        (2 * FD_EPS);
      expect(Math.abs((got.input.data[j] as number) - fdIn)).toBeLessThanOrEqual(
        GRAD_TOL.atol + GRAD_TOL.rtol * Math.abs(fdIn),
      );
    });
  });

  it('an empty gradOutput gives zero gradients', async () => {
    const c = randomCase(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 }), 2, 2, 9);
    await using model = await backend.createModel(c.spec, c.params);
    const g = await model.gradients(c.input, c.initial, {});
    expect(Array.from(g.params.weight_ih_l0?.data ?? [1]).every((x) => x === 0)).toBe(true);
  });

  it('rejects a gradOutput of the wrong shape with a ShapeError', async () => {
    const c = randomCase(defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 }), 2, 2, 10);
    await using model = await backend.createModel(c.spec, c.params);
    await expect(model.gradients(c.input, c.initial, { output: randomTensor([2, 2, 4], 1) })).rejects.toMatchObject({
      code: 'E_SHAPE',
    });
  });
});
