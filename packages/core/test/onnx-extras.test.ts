import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  type Activation,
  type RnnConfig,
  activationFn,
  createReferenceBackend,
  defineSpec,
  normalizeActivation,
  sigmoid,
  tensor,
} from '../src/index.js';
import { activateSpan } from '../src/reference/activate.js';

const f64 = (values: number[], shape: number[]) => tensor(Float64Array.from(values), shape);
const oracle = createReferenceBackend({ dtype: 'float64' });

async function run(
  config: Omit<RnnConfig, 'inputSize' | 'hiddenSize'>,
  params: Record<string, number[]>,
  xs: number[],
  h0: number,
  c0?: number,
) {
  const spec = defineSpec({ inputSize: 1, hiddenSize: 1, ...config });
  const shaped: Record<string, ReturnType<typeof f64>> = {};
  for (const [name, v] of Object.entries(params))
    shaped[name] = f64(v, name.startsWith('weight_ph') || name.startsWith('bias') ? [v.length] : [v.length, 1]);
  const model = await oracle.createModel(spec, shaped);
  const initial = c0 === undefined ? { h: f64([h0], [1, 1, 1]) } : { h: f64([h0], [1, 1, 1]), c: f64([c0], [1, 1, 1]) };
  return model.forward(f64(xs, [xs.length, 1, 1]), initial);
}

const clamp = (v: number, c: number) => Math.max(-c, Math.min(c, v));

describe('hand-computed ONNX extras (H = 1, two steps)', () => {
  it('LSTM with peepholes, clip and coupled input/forget gates', async () => {
    // Rows i, f, g, o; peepholes P_i, P_f on c_{t-1}, P_o on c_t.
    const Wi = [0.5, -0.3, 0.8, 0.2],
      Wh = [0.1, 0.4, -0.6, 0.3],
      bi = [0.05, 0.1, -0.2, 0.3],
      bh = [0.01, -0.02, 0.03, 0.04];
    const P = [0.7, -0.5, 0.9];
    const clip = 0.6;
    const xs = [1.5, -2];
    const got = await run(
      { mode: 'lstm', peepholes: true, clip, inputForget: true },
      { weight_ih_l0: Wi, weight_hh_l0: Wh, bias_ih_l0: bi, bias_hh_l0: bh, weight_ph_l0: P },
      xs,
      0.2,
      -0.4,
    );
    let h = 0.2,
      c = -0.4;
    const outs: number[] = [];
    for (const x of xs) {
      const pre = (k: number) => Wi[k]! * x + Wh[k]! * h + bi[k]! + bh[k]!;
      const i = sigmoid(clamp(pre(0) + P[0]! * c, clip));
      const f = 1 - i; // inputForget: the forget row and P_f are ignored
      const g = Math.tanh(clamp(pre(2), clip));
      c = f * c + i * g;
      const o = sigmoid(clamp(pre(3) + P[2]! * c, clip));
      h = o * Math.tanh(c);
      outs.push(h);
    }
    expect([...got.output.data]).toEqual(outs.map((v) => expect.closeTo(v, 14)));
    expect(got.state.h.data[0]).toBeCloseTo(h, 14);
    expect(got.state.c!.data[0]).toBeCloseTo(c, 14);
  });

  it('GRU with the reset gate applied before the hidden product (linearBeforeReset false)', async () => {
    const Wi = [0.5, -0.3, 0.8],
      Wh = [0.1, 0.4, -0.6],
      bi = [0.05, 0.1, -0.2],
      bh = [0.01, -0.02, 0.03];
    const xs = [1, -0.5];
    for (const linearBeforeReset of [true, false]) {
      const got = await run(
        { mode: 'gru', linearBeforeReset },
        { weight_ih_l0: Wi, weight_hh_l0: Wh, bias_ih_l0: bi, bias_hh_l0: bh },
        xs,
        0.3,
      );
      let h = 0.3;
      const outs: number[] = [];
      for (const x of xs) {
        const r = sigmoid(Wi[0]! * x + bi[0]! + Wh[0]! * h + bh[0]!);
        const z = sigmoid(Wi[1]! * x + bi[1]! + Wh[1]! * h + bh[1]!);
        const n = linearBeforeReset
          ? Math.tanh(Wi[2]! * x + bi[2]! + r * (Wh[2]! * h + bh[2]!))
          : Math.tanh(Wi[2]! * x + bi[2]! + Wh[2]! * (r * h) + bh[2]!);
        h = (1 - z) * n + z * h;
        outs.push(h);
      }
      expect([...got.output.data]).toEqual(outs.map((v) => expect.closeTo(v, 14)));
    }
  });

  it('RNN with a non-default activation and clip', async () => {
    const xs = [3, -4, 0.5];
    const got = await run(
      { mode: 'rnn_tanh', activations: [{ name: 'LeakyRelu', alpha: 0.1 }], clip: 2 },
      { weight_ih_l0: [0.9], weight_hh_l0: [0.5], bias_ih_l0: [0.1], bias_hh_l0: [-0.2] },
      xs,
      0.5,
    );
    let h = 0.5;
    const outs: number[] = [];
    for (const x of xs) {
      const v = clamp(0.9 * x + 0.5 * h + 0.1 - 0.2, 2);
      h = v >= 0 ? v : 0.1 * v;
      outs.push(h);
    }
    expect([...got.output.data]).toEqual(outs.map((v) => expect.closeTo(v, 14)));
  });
});

describe('activations', () => {
  const withParams: Activation[] = ACTIVATION_NAMES.map((name) =>
    normalizeActivation(
      {
        name,
        ...(name === 'Affine' ? { alpha: 0.7, beta: -0.2 } : {}),
        ...(name === 'ScaledTanh' ? { alpha: 1.5, beta: 0.8 } : {}),
      },
      'test',
    ),
  );
  const xs = [-3, -1.2, -0.3, 0, 0.25, 0.9, 1.1, 4];

  it.each(withParams.map((a) => [a.name, a] as const))('%s: span and scalar forms agree', (_n, a) => {
    const buf = Float64Array.from(xs);
    activateSpan(a, buf, 0, buf.length);
    const fn = activationFn(a);
    xs.forEach((x, i) => expect(buf[i]).toBeCloseTo(fn.apply(x), 15));
  });

  it.each(withParams.map((a) => [a.name, a] as const))(
    '%s: derivative matches central differences away from kinks',
    (_n, a) => {
      const fn = activationFn(a);
      for (const x of [-2.3, -0.7, 0.4, 1.7]) {
        const eps = 1e-6;
        const numeric = (fn.apply(x + eps) - fn.apply(x - eps)) / (2 * eps);
        expect(fn.derivative(x, fn.apply(x))).toBeCloseTo(numeric, 6);
      }
    },
  );

  it('matches the ONNX definitions at sample points', () => {
    const at = (a: Activation, x: number) => activationFn(normalizeActivation(a, 't')).apply(x);
    expect(at({ name: 'HardSigmoid' }, 1)).toBeCloseTo(0.7, 15);
    expect(at({ name: 'HardSigmoid' }, 10)).toBe(1);
    expect(at({ name: 'ThresholdedRelu' }, 0.5)).toBe(0);
    expect(at({ name: 'ThresholdedRelu', alpha: 0.2 }, 0.5)).toBe(0.5);
    expect(at({ name: 'Elu' }, -1)).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(at({ name: 'Softsign' }, 3)).toBe(0.75);
    expect(at({ name: 'Softplus' }, 0)).toBeCloseTo(Math.log(2), 15);
    expect(at({ name: 'Softplus' }, 800)).toBe(800);
    // torch.selu at -1 and 2 (float64); ONNX's defaults are SELU's constants rounded to float32.
    expect(at({ name: 'Selu' }, -1)).toBeCloseTo(-1.1113307378125625, 6);
    expect(at({ name: 'Selu' }, 2)).toBeCloseTo(2.101401974710961, 6);
    expect(at({ name: 'Selu', alpha: 2, beta: 3 }, -1)).toBeCloseTo(6 * Math.expm1(-1), 15);
    expect(at({ name: 'ScaledTanh', alpha: 2, beta: 0.5 }, 1)).toBeCloseTo(2 * Math.tanh(0.5), 15);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
});
