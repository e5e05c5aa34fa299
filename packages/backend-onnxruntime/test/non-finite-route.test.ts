import { type RnnParams, defineSpec, fromArray, initParams, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// An LSTM whose forget gate is 1 - i (inputForget) and whose peepholes drive an infinite cell state into
// the clipped gates: P_i * c0 = +inf clips to 20, so i = sigmoid(20) and f = 1 - i = 2.06e-9, which
// float32 rounds to 0 (0 * -inf = NaN). The semantics (float64) keep c = -inf, and P_o * c = -inf clips
// to -20, so h = sigmoid(-20) * tanh(-inf) = -2.06e-9. Found by fresh-seed exploration on
// onnxruntime-web (FC_SEED=1293627059); the Node provider took the same float32 path.
const spec = defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 1, peepholes: true, inputForget: true, clip: 20 });
const zeros = initParams(spec);
const params: RnnParams = Object.fromEntries(
  Object.entries(zeros).map(([k, t]) => [k, tensor(new Float32Array(t.data.length), t.shape)]),
);
const withPeepholes: RnnParams = { ...params, weight_ph_l0: fromArray([-1, 0, 1], [3]) };
const sigmoidMinus20 = 1 / (1 + Math.exp(20));

describe('non-finite calls (NaN in, NaN out)', () => {
  it('keep an infinite cell state where float32 arithmetic would turn 1 - sigmoid(20) into 0 and the cell into NaN', async () => {
    await using backend = await createBackend({ executionProviders: ['cpu'] });
    await using model = await backend.createModel(spec, withPeepholes);
    const x = fromArray([0], [1, 1, 1]);
    const { output, state } = await model.forward(x, {
      h: fromArray([0], [1, 1, 1]),
      c: fromArray([-Infinity], [1, 1, 1]),
    });
    expect(state.c?.data[0]).toBe(-Infinity);
    expect(output.data).toBeInstanceOf(Float32Array);
    expect(state.h.data).toBeInstanceOf(Float32Array);
    expect(output.data[0]).toBeCloseTo(-sigmoidMinus20, 15);
    expect(Math.abs(state.h.data[0]! + sigmoidMinus20)).toBeLessThan(1e-6 * sigmoidMinus20);
  });

  it('keep NaN where the input holds it', async () => {
    await using backend = await createBackend({ executionProviders: ['cpu'] });
    await using model = await backend.createModel(spec, withPeepholes);
    const { output, state } = await model.forward(fromArray([NaN], [1, 1, 1]));
    expect(output.data[0]).toBeNaN();
    expect(state.c?.data[0]).toBeNaN();
  });
});
