import { type Backend, type RnnConfig, createReferenceBackend, defineSpec } from '@deeprnn/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { expectClose, randomCase } from './helpers.js';

// The ONNX-only semantics (activations with alpha/beta, clip, peepholes, inputForget, GRU without
// linearBeforeReset, sequence lengths) and tied layers, against the float64 reference backend.
const CASES: { name: string; config: RnnConfig; T: number; B: number | null; lengths?: number[] }[] = [
  {
    name: 'rnn LeakyRelu/Softplus bidir, clip, lengths (one row empty)',
    config: {
      mode: 'rnn_tanh',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 2,
      bidirectional: true,
      clip: 0.8,
      activations: [{ name: 'LeakyRelu', alpha: 0.1 }],
      reverseActivations: [{ name: 'Softplus' }],
    },
    T: 5,
    B: 3,
    lengths: [5, 2, 0],
  },
  {
    name: 'rnn ThresholdedRelu, no bias, batchFirst, lengths',
    config: {
      mode: 'rnn_relu',
      inputSize: 3,
      hiddenSize: 5,
      bias: false,
      batchFirst: true,
      activations: [{ name: 'ThresholdedRelu', alpha: 0.05 }],
    },
    T: 4,
    B: 2,
    lengths: [3, 4],
  },
  {
    name: 'gru linearBeforeReset=false, HardSigmoid/Softsign, clip, bidir, lengths',
    config: {
      mode: 'gru',
      inputSize: 4,
      hiddenSize: 3,
      numLayers: 2,
      bidirectional: true,
      linearBeforeReset: false,
      clip: 1.2,
      activations: [{ name: 'HardSigmoid', alpha: 0.3, beta: 0.4 }, { name: 'Softsign' }],
    },
    T: 6,
    B: 3,
    lengths: [6, 1, 4],
  },
  {
    name: 'gru linearBeforeReset=false, ScaledTanh/Affine reverse, unbatched',
    config: {
      mode: 'gru',
      inputSize: 2,
      hiddenSize: 4,
      bidirectional: true,
      linearBeforeReset: false,
      reverseActivations: [{ name: 'Sigmoid' }, { name: 'ScaledTanh', alpha: 0.7, beta: 1.3 }],
      activations: [{ name: 'Sigmoid' }, { name: 'Affine', alpha: 0.5, beta: 0.1 }],
    },
    T: 4,
    B: null,
  },
  {
    name: 'lstm peepholes, clip, lengths, bidir',
    config: {
      mode: 'lstm',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 2,
      bidirectional: true,
      peepholes: true,
      clip: 0.9,
    },
    T: 5,
    B: 3,
    lengths: [2, 5, 3],
  },
  {
    name: 'lstm inputForget + peepholes + projSize, Elu/ScaledTanh',
    config: {
      mode: 'lstm',
      inputSize: 3,
      hiddenSize: 5,
      projSize: 2,
      numLayers: 2,
      peepholes: true,
      inputForget: true,
      activations: [{ name: 'Sigmoid' }, { name: 'ScaledTanh', alpha: 1.1, beta: 0.8 }, { name: 'Elu', alpha: 0.6 }],
    },
    T: 4,
    B: 2,
  },
  {
    name: 'lstm HardSigmoid/LeakyRelu/Tanh, batchFirst, lengths',
    config: {
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 3,
      batchFirst: true,
      activations: [{ name: 'HardSigmoid' }, { name: 'LeakyRelu', alpha: 0.2 }, { name: 'Tanh' }],
    },
    T: 5,
    B: 2,
    lengths: [5, 3],
  },
  {
    name: 'tied layers (the d2l deep RNN), 4 layers',
    config: { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 4, tiedLayers: true },
    T: 4,
    B: 2,
  },
  {
    name: 'tied lstm, bidir, lengths',
    config: { mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 3, tiedLayers: true, bidirectional: true },
    T: 4,
    B: 2,
    lengths: [4, 2],
  },
];

for (const engine of ['wasm', 'cpu'] as const) {
  describe(`ONNX extras on tfjs ${engine} agree with the float64 reference`, () => {
    let backend: TfjsBackend;
    const oracle: Backend = createReferenceBackend({ dtype: 'float64' });
    beforeAll(async () => {
      backend = await createBackend({ engines: [engine] });
    });
    afterAll(async () => {
      await backend.dispose();
      await oracle.dispose();
    });
    CASES.forEach((k, i) => {
      it(k.name, async () => {
        const c = randomCase(defineSpec(k.config), k.T, k.B, 100 + i, i % 2 === 0, 2);
        const options = k.lengths ? { lengths: k.lengths } : {};
        await using want = await oracle.createModel(c.spec, c.params);
        await using got = await backend.createModel(c.spec, c.params);
        const w = await want.forward(c.input, c.initial, options);
        const g = await got.forward(c.input, c.initial, options);
        const tol = backend.capabilities.tolerance;
        expectClose(g.output, w.output, tol, 'output');
        expectClose(g.state.h, w.state.h, tol, 'hN');
        if (w.state.c) expectClose(g.state.c ?? g.state.h, w.state.c, tol, 'cN');
      });
    });
  });
}
