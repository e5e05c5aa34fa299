import { describe, expect, it } from 'vitest';
import { createReferenceBackend, defineSpec, tensor } from '../src/index.js';

const f64 = (values: number[], shape: number[]) => tensor(Float64Array.from(values), shape);

describe('hand-computed backward steps', () => {
  it('one tanh step: dL/dw = g (1 - h^2) x, dL/dh0 = g (1 - h^2) u', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
    const [w, u, b1, b2, x, h0, g] = [0.5, -0.3, 0.1, 0.2, 2, 0.4, 1.5];
    const params = {
      weight_ih_l0: f64([w], [1, 1]),
      weight_hh_l0: f64([u], [1, 1]),
      bias_ih_l0: f64([b1], [1]),
      bias_hh_l0: f64([b2], [1]),
    };
    const model = await createReferenceBackend({ dtype: 'float64' }).createModel(spec, params);
    const grads = await model.gradients!(
      f64([x], [1, 1, 1]),
      { h: f64([h0], [1, 1, 1]) },
      { output: f64([g], [1, 1, 1]) },
    );
    const h = Math.tanh(w * x + u * h0 + b1 + b2);
    const da = g * (1 - h * h);
    expect(grads.params.weight_ih_l0!.data[0]).toBeCloseTo(da * x, 14);
    expect(grads.params.weight_hh_l0!.data[0]).toBeCloseTo(da * h0, 14);
    expect(grads.params.bias_ih_l0!.data[0]).toBeCloseTo(da, 14);
    expect(grads.params.bias_hh_l0!.data[0]).toBeCloseTo(da, 14);
    expect(grads.input.data[0]).toBeCloseTo(da * w, 14);
    expect(grads.initial.h.data[0]).toBeCloseTo(da * u, 14);
  });

  it('one LSTM step from zero state with only dL/dcN: b_i and b_g get gradient, b_f and b_o none', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 1 });
    // Rows i, f, g, o; zero recurrent weights and biases so the gates read x only.
    const wih = [0.3, -0.2, 0.7, 0.1];
    const params = {
      weight_ih_l0: f64(wih, [4, 1]),
      weight_hh_l0: f64([0, 0, 0, 0], [4, 1]),
      bias_ih_l0: f64([0, 0, 0, 0], [4]),
      bias_hh_l0: f64([0, 0, 0, 0], [4]),
    };
    const model = await createReferenceBackend({ dtype: 'float64' }).createModel(spec, params);
    const x = 1.2;
    const gc = 0.9; // upstream gradient of cN only
    const grads = await model.gradients!(f64([x], [1, 1, 1]), undefined, { c: f64([gc], [1, 1, 1]) });
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const i = sig(wih[0]! * x);
    const g = Math.tanh(wih[2]! * x);
    // c = f*0 + i*g: dL/db_i = gc g i(1-i), dL/db_g = gc i (1-g^2), nothing reaches b_f (c0 = 0) or b_o.
    const db = grads.params.bias_ih_l0!.data;
    expect(db[0]).toBeCloseTo(gc * g * i * (1 - i), 14);
    expect(db[1]).toBe(0);
    expect(db[2]).toBeCloseTo(gc * i * (1 - g * g), 14);
    expect(db[3]).toBe(0);
    // c0 reaches c through f: dL/dc0 = gc f.
    expect(grads.initial.c!.data[0]).toBeCloseTo(gc * sig(wih[1]! * x), 14);
  });
});
