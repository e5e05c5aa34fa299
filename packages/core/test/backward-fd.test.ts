import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, type ActivationName, type RnnConfig, type ForwardOptions } from '../src/index.js';
import { analytic, makeCase, targetsOf, worstFdRatio } from './backward-helpers.js';

interface FdCase {
  readonly name: string;
  readonly config: RnnConfig;
  readonly T?: number;
  readonly B?: number;
  readonly withH0?: boolean;
  readonly withC0?: boolean;
  readonly options?: ForwardOptions;
}

const base = { inputSize: 3, hiddenSize: 4 } as const;

const cases: FdCase[] = [
  { name: 'rnn_tanh 1 layer', config: { mode: 'rnn_tanh', ...base } },
  { name: 'rnn_tanh 2 layers bidirectional', config: { mode: 'rnn_tanh', ...base, numLayers: 2, bidirectional: true } },
  {
    name: 'rnn_relu batchFirst, no h0',
    config: { mode: 'rnn_relu', ...base, numLayers: 2, batchFirst: true },
    withH0: false,
  },
  {
    name: 'rnn_tanh tied 3 layers (d2l deep RNN)',
    config: { mode: 'rnn_tanh', ...base, numLayers: 3, tiedLayers: true },
  },
  { name: 'rnn_tanh unbatched, no bias', config: { mode: 'rnn_tanh', ...base, numLayers: 2, bias: false }, B: 0 },
  {
    name: 'rnn_tanh lengths bidirectional',
    config: { mode: 'rnn_tanh', ...base, numLayers: 2, bidirectional: true },
    T: 4,
    B: 3,
    options: { lengths: [4, 2, 0] },
  },
  { name: 'rnn_tanh clip', config: { mode: 'rnn_tanh', ...base, clip: 0.6 } },
  {
    name: 'rnn_tanh dropout (seeded mask)',
    config: { mode: 'rnn_tanh', ...base, numLayers: 3, dropout: 0.4 },
    options: { training: true, dropoutSeed: 7 },
  },
  { name: 'gru 1 layer', config: { mode: 'gru', ...base } },
  {
    name: 'gru 2 layers bidirectional batchFirst',
    config: { mode: 'gru', ...base, numLayers: 2, bidirectional: true, batchFirst: true },
  },
  { name: 'gru linearBeforeReset false', config: { mode: 'gru', ...base, numLayers: 2, linearBeforeReset: false } },
  {
    name: 'gru linearBeforeReset false bidirectional lengths',
    config: { mode: 'gru', ...base, bidirectional: true, linearBeforeReset: false },
    T: 4,
    B: 3,
    options: { lengths: [1, 4, 3] },
  },
  {
    name: 'gru clip, tied, no bias',
    config: { mode: 'gru', ...base, numLayers: 3, tiedLayers: true, clip: 0.7, bias: false },
  },
  { name: 'gru unbatched no h0', config: { mode: 'gru', ...base }, B: 0, withH0: false },
  { name: 'lstm 1 layer', config: { mode: 'lstm', ...base } },
  {
    name: 'lstm 2 layers bidirectional, h0 without c0',
    config: { mode: 'lstm', ...base, numLayers: 2, bidirectional: true },
    withC0: false,
  },
  { name: 'lstm projSize', config: { mode: 'lstm', ...base, numLayers: 2, projSize: 2 } },
  {
    name: 'lstm projSize bidirectional batchFirst lengths',
    config: { mode: 'lstm', ...base, numLayers: 2, projSize: 3, bidirectional: true, batchFirst: true },
    T: 4,
    B: 3,
    options: { lengths: [3, 4, 1] },
  },
  { name: 'lstm peepholes', config: { mode: 'lstm', ...base, peepholes: true } },
  {
    name: 'lstm peepholes clip inputForget',
    config: { mode: 'lstm', ...base, numLayers: 2, peepholes: true, clip: 0.5, inputForget: true },
  },
  {
    name: 'lstm tied projSize dropout',
    config: { mode: 'lstm', ...base, numLayers: 3, tiedLayers: true, projSize: 2, dropout: 0.3 },
    options: { training: true, dropoutSeed: 3 },
  },
  { name: 'lstm unbatched no state', config: { mode: 'lstm', ...base }, B: 0, withH0: false },
  {
    name: 'lstm custom activations, reverse different',
    config: {
      mode: 'lstm',
      ...base,
      bidirectional: true,
      activations: [
        { name: 'HardSigmoid', alpha: 0.3, beta: 0.4 },
        { name: 'Softsign' },
        { name: 'ScaledTanh', alpha: 1.2, beta: 0.8 },
      ],
      reverseActivations: [{ name: 'Sigmoid' }, { name: 'Elu', alpha: 0.7 }, { name: 'Softplus' }],
    },
  },
  {
    name: 'gru custom activations',
    config: {
      mode: 'gru',
      ...base,
      activations: [
        { name: 'Affine', alpha: 0.3, beta: 0.2 },
        { name: 'LeakyRelu', alpha: 0.1 },
      ],
      linearBeforeReset: false,
    },
  },
];

const everyActivation: FdCase[] = (ACTIVATION_NAMES as readonly ActivationName[]).map((name) => ({
  name: `rnn_tanh with ${name}`,
  config: { mode: 'rnn_tanh', ...base, numLayers: 2, activations: [{ name }] },
}));

describe('reference backward agrees with central finite differences (float64)', () => {
  for (const [i, fc] of [...cases, ...everyActivation].entries()) {
    it(fc.name, async () => {
      const c = makeCase(fc.config, {
        seed: 11 + i,
        T: fc.T ?? 3,
        B: fc.B ?? 2,
        withH0: fc.withH0 ?? true,
        withC0: fc.withC0 ?? true,
        options: fc.options ?? {},
      });
      const grads = await analytic(c);
      expect(Object.keys(grads.params).sort()).toEqual(Object.keys(c.params).sort());
      expect(grads.input.shape).toEqual(c.input.shape);
      for (const target of targetsOf(c)) {
        const { ratio, where } = await worstFdRatio(c, grads, target);
        expect(ratio, where).toBeLessThan(1);
      }
    });
  }
});

describe('float32 gradients agree with float64', () => {
  for (const [i, fc] of cases.entries()) {
    it(fc.name, async () => {
      const c = makeCase(fc.config, {
        seed: 101 + i,
        T: fc.T ?? 3,
        B: fc.B ?? 2,
        withH0: fc.withH0 ?? true,
        withC0: fc.withC0 ?? true,
        options: fc.options ?? {},
      });
      const [g64, g32] = [await analytic(c, 'float64'), await analytic(c, 'float32')];
      expect(g32.input.dtype).toBe('float32');
      for (const [name, t] of Object.entries(g64.params)) {
        const got = g32.params[name]!;
        for (let k = 0; k < t.data.length; k++)
          expect(Math.abs(got.data[k]! - t.data[k]!), `${name}[${k}]`).toBeLessThan(1e-4 + 1e-4 * Math.abs(t.data[k]!));
      }
    });
  }
});
