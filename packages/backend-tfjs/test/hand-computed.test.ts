import { defineSpec, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const f32 = (xs: number[], shape: number[]) => tensor(Float32Array.from(xs), shape);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('hand-computed cases', () => {
  it('one LSTM step, hidden size 1', async () => {
    // i = σ(0.5·x + 0.1), f = σ(-0.25·x), g = tanh(x + h0), o = σ(0.2); c1 = f·c0 + i·g; h1 = o·tanh(c1)
    const spec = defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 1, bias: true });
    const params = {
      weight_ih_l0: f32([0.5, -0.25, 1, 0], [4, 1]),
      weight_hh_l0: f32([0, 0, 1, 0], [4, 1]),
      bias_ih_l0: f32([0.1, 0, 0, 0.2], [4]),
      bias_hh_l0: f32([0, 0, 0, 0], [4]),
    };
    const x = 0.8;
    const h0 = 0.3;
    const c0 = -0.5;
    const i = sigmoid(0.5 * x + 0.1);
    const f = sigmoid(-0.25 * x);
    const g = Math.tanh(x + h0);
    const o = sigmoid(0.2);
    const c1 = f * c0 + i * g;
    const h1 = o * Math.tanh(c1);
    for (const engine of ['wasm', 'cpu'] as const) {
      await using backend = await createBackend({ engines: [engine] });
      await using model = await backend.createModel(spec, params);
      const r = await model.forward(f32([x], [1, 1, 1]), { h: f32([h0], [1, 1, 1]), c: f32([c0], [1, 1, 1]) });
      expect(r.output.data[0]).toBeCloseTo(h1, 6);
      expect(r.state.h.data[0]).toBeCloseTo(h1, 6);
      expect(r.state.c?.data[0]).toBeCloseTo(c1, 6);
    }
  });

  it('rnn_relu with lengths: zero output past the end, state held from the last valid step', async () => {
    // h_t = relu(x_t + h_{t-1}), I = H = 1, weights 1, no bias; row 1 has length 1.
    const spec = defineSpec({ mode: 'rnn_relu', inputSize: 1, hiddenSize: 1, bias: false });
    const params = { weight_ih_l0: f32([1], [1, 1]), weight_hh_l0: f32([1], [1, 1]) };
    await using backend = await createBackend({ engines: ['wasm'] });
    await using model = await backend.createModel(spec, params);
    const r = await model.forward(f32([1, 2, 3, 4, 5, 6], [3, 2, 1]), undefined, { lengths: [3, 1] });
    expect(Array.from(r.output.data)).toEqual([1, 2, 4, 0, 9, 0]);
    expect(Array.from(r.state.h.data)).toEqual([9, 2]);
  });
});
