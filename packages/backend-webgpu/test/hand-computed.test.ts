import { defineSpec, fromArray, tensor } from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { describeOnAdapter, probeBackend } from './adapter.js';

// One-step cells with scalar weights, worked out by hand from DESIGN.md's equations.
const probe = await probeBackend();
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const t1 = (v: number): ReturnType<typeof fromArray> => fromArray([v], [1]);
const w11 = (v: number): ReturnType<typeof fromArray> => fromArray([v], [1, 1]);
const TOL = 2e-6;

describeOnAdapter('hand-computed one-step cells', probe, (backend) => {
  afterAll(async () => {
    await backend.dispose();
  });

  it('rnn_tanh: h = tanh(w_ih x + b_ih + w_hh h0 + b_hh)', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
    await using model = await backend.createModel(spec, {
      weight_ih_l0: w11(0.3),
      weight_hh_l0: w11(-0.2),
      bias_ih_l0: t1(0.1),
      bias_hh_l0: t1(0.05),
    });
    const { output, state } = await model.forward(fromArray([0.5], [1, 1, 1]), { h: fromArray([0.4], [1, 1, 1]) });
    const want = Math.tanh(0.3 * 0.5 + 0.1 - 0.2 * 0.4 + 0.05);
    expect(output.data[0]).toBeCloseTo(want, 6);
    expect(state.h.data[0]).toBeCloseTo(want, 6);
  });

  it('lstm: c = f c0 + i g, h = o tanh(c) with gates i, f, g, o stacked in that order', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 1, bias: false });
    const wih = fromArray([0.5, -0.25, 0.75, 1], [4, 1]);
    const whh = fromArray([0.1, 0.2, -0.3, 0.4], [4, 1]);
    await using model = await backend.createModel(spec, { weight_ih_l0: wih, weight_hh_l0: whh });
    const [x, h0, c0] = [0.8, -0.5, 0.25];
    const { state } = await model.forward(fromArray([x], [1, 1, 1]), {
      h: fromArray([h0], [1, 1, 1]),
      c: fromArray([c0], [1, 1, 1]),
    });
    const i = sigmoid(0.5 * x + 0.1 * h0);
    const f = sigmoid(-0.25 * x + 0.2 * h0);
    const g = Math.tanh(0.75 * x - 0.3 * h0);
    const o = sigmoid(x + 0.4 * h0);
    const c = f * c0 + i * g;
    expect(Math.abs(state.c!.data[0]! - c)).toBeLessThan(TOL);
    expect(Math.abs(state.h.data[0]! - o * Math.tanh(c))).toBeLessThan(TOL);
  });

  for (const linearBeforeReset of [true, false]) {
    it(`gru, linearBeforeReset ${linearBeforeReset}: n = tanh(x_n + b_in + ${linearBeforeReset ? 'r (w_hn h + b_hn)' : 'w_hn (r h) + b_hn'})`, async () => {
      const spec = defineSpec({ mode: 'gru', inputSize: 1, hiddenSize: 1, linearBeforeReset });
      const params = {
        weight_ih_l0: fromArray([0.5, -0.4, 0.9], [3, 1]),
        weight_hh_l0: fromArray([0.3, 0.2, -0.7], [3, 1]),
        bias_ih_l0: fromArray([0.1, 0.2, 0.3], [3]),
        bias_hh_l0: fromArray([-0.1, 0.05, 0.6], [3]),
      };
      await using model = await backend.createModel(spec, params);
      const [x, h0] = [0.7, -0.6];
      const { state } = await model.forward(fromArray([x], [1, 1, 1]), { h: fromArray([h0], [1, 1, 1]) });
      const r = sigmoid(0.5 * x + 0.1 + 0.3 * h0 - 0.1);
      const z = sigmoid(-0.4 * x + 0.2 + 0.2 * h0 + 0.05);
      const n = Math.tanh(0.9 * x + 0.3 + (linearBeforeReset ? r * (-0.7 * h0 + 0.6) : -0.7 * (r * h0) + 0.6));
      expect(Math.abs(state.h.data[0]! - ((1 - z) * n + z * h0))).toBeLessThan(TOL);
    });
  }

  it('tanh and sigmoid saturate without NaN for huge pre-activations; NaN input stays NaN (relu too)', async () => {
    for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm'] as const) {
      const spec = defineSpec({ mode, inputSize: 1, hiddenSize: 4, bias: false });
      const G = mode === 'lstm' ? 4 : 1;
      const params = {
        weight_ih_l0: tensor(new Float32Array(4 * G).fill(1e4), [4 * G, 1]),
        weight_hh_l0: tensor(new Float32Array(16 * G), [4 * G, 4]),
      };
      await using model = await backend.createModel(spec, params);
      const { output } = await model.forward(fromArray([1e30, -1e30, Number.NaN], [3, 1, 1]));
      const [big, small, nan] = [output.data.slice(0, 4), output.data.slice(4, 8), output.data.slice(8, 12)];
      if (mode === 'rnn_tanh') {
        expect([...big, ...small]).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);
      } else if (mode === 'lstm') {
        // i = f = o = 1, g = 1 then c grows 1, 2; h = tanh(c): finite, no NaN from exp overflow.
        expect([...big].every((v) => Math.abs(v - Math.tanh(1)) < 1e-6)).toBe(true);
      } else {
        expect([...big].map((v) => v / 1e34).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
        expect([...small]).toEqual([0, 0, 0, 0]);
      }
      expect([...nan].every(Number.isNaN), `${mode} NaN in -> NaN out`).toBe(true);
    }
  });
});
