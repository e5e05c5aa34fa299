// NaN in, NaN out: the reference's semantics for non-finite values (packages/core/README.md, "NaN and
// infinity"). The expected scalar values are PyTorch's (torch 2.x: torch.relu, F.threshold, clamp,
// F.hardsigmoid, F.leaky_relu, F.elu, F.softplus, F.softsign, sigmoid, tanh on [nan, inf, -inf]).
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  type ActivationName,
  type RnnMode,
  activationFn,
  createReferenceBackend,
  defineSpec,
  initParams,
  normalizeActivation,
  tensor,
} from '../src/index.js';
import { activateScalar, clipSpan } from '../src/reference/activate.js';
import { randomTensor } from './helpers.js';

/** PyTorch's value at [NaN, +Inf, -Inf], with ONNX default alpha/beta (ScaledTanh and Affine are ONNX-only). */
const AT_NON_FINITE: Record<ActivationName, [number, number, number]> = {
  Relu: [NaN, Infinity, 0],
  Tanh: [NaN, 1, -1],
  Sigmoid: [NaN, 1, 0],
  Affine: [NaN, Infinity, -Infinity],
  LeakyRelu: [NaN, Infinity, -Infinity],
  ThresholdedRelu: [NaN, Infinity, 0],
  ScaledTanh: [NaN, 1, -1],
  HardSigmoid: [NaN, 1, 0],
  Elu: [NaN, Infinity, -1],
  Softsign: [NaN, NaN, NaN],
  Softplus: [NaN, Infinity, 0],
  // torch.selu(-inf) is -1.7580993408473766; ONNX's alpha and gamma are its float32 roundings.
  Selu: [NaN, Infinity, -1.67326319217681884765625 * 1.05070102214813232421875],
};

describe('activations at NaN and infinity', () => {
  it.each(ACTIVATION_NAMES.map((n) => [n]))(
    "%s: NaN gives NaN, infinities give PyTorch's limits (span and scalar forms)",
    (name) => {
      const a = normalizeActivation({ name }, 'test');
      const got = [NaN, Infinity, -Infinity].map((x) => activateScalar(a, x));
      const scalar = [NaN, Infinity, -Infinity].map((x) => activationFn(a).apply(x));
      expect(got).toEqual(AT_NON_FINITE[name]);
      expect(scalar).toEqual(AT_NON_FINITE[name]);
    },
  );

  it('clip keeps NaN and clamps infinities', () => {
    const buf = Float64Array.from([NaN, Infinity, -Infinity, 0.5]);
    clipSpan(buf, 0, 4, 1);
    expect([...buf]).toEqual([NaN, 1, -1, 0.5]);
  });
});

describe('the reference propagates a NaN input as PyTorch does', () => {
  const modes: RnnMode[] = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];
  // Measured with torch.nn.RNN/GRU/LSTM (2 layers, T=3, B=2, NaN at t=1, b=0): output and hN are NaN
  // exactly for batch row 0 from t=1 on, in every layer and feature; row 1 stays finite.
  it.each(modes.flatMap((mode) => (['float32', 'float64'] as const).map((dtype) => [mode, dtype] as const)))(
    '%s (%s)',
    async (mode, dtype) => {
      const spec = defineSpec({ mode, inputSize: 3, hiddenSize: 4, numLayers: 2 });
      const model = await createReferenceBackend({ dtype }).createModel(spec, initParams(spec, { seed: 3 }));
      const data = Float64Array.from(randomTensor([3, 2, 3], 5).data);
      data[(1 * 2 + 0) * 3] = NaN;
      const { output, state } = await model.forward(tensor(data, [3, 2, 3]));
      for (let t = 0; t < 3; t++) {
        for (let b = 0; b < 2; b++) {
          const row = [...output.data.subarray((t * 2 + b) * 4, (t * 2 + b + 1) * 4)];
          expect(row.map(Number.isNaN), `t=${t} b=${b}`).toEqual(Array(4).fill(b === 0 && t >= 1));
        }
      }
      for (let l = 0; l < 2; l++) {
        expect([...state.h.data.subarray(l * 2 * 4, (l * 2 + 1) * 4)].every(Number.isNaN)).toBe(true);
        expect([...state.h.data.subarray((l * 2 + 1) * 4, (l * 2 + 2) * 4)].some(Number.isNaN)).toBe(false);
      }
    },
  );

  it("with a NaN past a sequence's length, that sequence stays finite (the step is never read)", async () => {
    const spec = defineSpec({ mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, bidirectional: true });
    const model = await createReferenceBackend().createModel(spec, initParams(spec, { seed: 4 }));
    const data = Float64Array.from(randomTensor([3, 1, 2], 6).data);
    data[2 * 2] = NaN;
    const { output, state } = await model.forward(tensor(data, [3, 1, 2]), undefined, { lengths: [2] });
    expect([...output.data].some(Number.isNaN)).toBe(false);
    expect([...state.h.data].some(Number.isNaN)).toBe(false);
  });
});
