import * as tf from '@tensorflow/tfjs';
import { SeededRandom, ShapeError, type Tensor, createReferenceBackend, tensor } from '@deeprnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LayerWeights, importKerasConfig, importTfjsArtifacts, predictKeras } from '../src/index.js';
import { saveArtifacts, tfjsPredict } from './tfjs-oracle.js';
import { kerasActivationName } from '../src/activations.js';

const reference = createReferenceBackend({ dtype: 'float64' });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectClose(got: Tensor, want: ArrayLike<number>, atol: number): void {
  expect(got.data.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs((got.data[i] as number) - (want[i] as number)), `element ${i}`).toBeLessThanOrEqual(atol);
}

function seq(layer: Record<string, unknown>, version = '2.15.0'): Record<string, unknown> {
  return { class_name: 'Sequential', config: { name: 's', layers: [layer] }, keras_version: version };
}

describe('hand-computed cases', () => {
  it('one-unit SimpleRNN, two steps: h1 = tanh(0.5*1 + 0.1), h2 = tanh(0.5*2 + 0.25*h1 + 0.1)', async () => {
    const layer = {
      class_name: 'SimpleRNN',
      config: { name: 'r', units: 1, activation: 'tanh', use_bias: true, return_sequences: true },
    };
    const w: LayerWeights = () => [
      tensor(Float32Array.of(0.5), [1, 1]),
      tensor(Float32Array.of(0.25), [1, 1]),
      tensor(Float32Array.of(0.1), [1]),
    ];
    const imported = importKerasConfig(seq(layer), w);
    await using model = await reference.createModel(imported.spec, imported.params);
    const out = await predictKeras(model, imported, tensor(Float64Array.of(1, 2), [1, 2, 1]));
    const h1 = Math.tanh(0.6);
    expectClose(out, [h1, Math.tanh(1.1 + 0.25 * h1)], 1e-7);
  });

  it('GRU reset_after=true (Keras 3 default, tfjs-layers cannot run it): bias [2, 3H] split into input and recurrent biases', async () => {
    // Keras: z = s(x Wz + bz + h Uz + rz), r = s(x Wr + br + h Ur + rr), hh = tanh(x Wh + bh + r * (h Uh + rh)),
    // h' = z * h + (1 - z) * hh; gates in the order z, r, h in every kernel column block.
    const H = 2;
    const I = 1;
    const rng = new SeededRandom(5);
    const k = Float64Array.from({ length: I * 3 * H }, () => rng.uniform(-1, 1));
    const u = Float64Array.from({ length: H * 3 * H }, () => rng.uniform(-1, 1));
    const b = Float64Array.from({ length: 2 * 3 * H }, () => rng.uniform(-1, 1));
    const layer = {
      class_name: 'GRU',
      config: {
        name: 'g',
        units: H,
        activation: 'tanh',
        recurrent_activation: 'sigmoid',
        reset_after: true,
        return_sequences: true,
      },
    };
    const f32 = (a: Float64Array, shape: number[]): Tensor => tensor(Float32Array.from(a), shape);
    const imported = importKerasConfig(seq(layer, '3.3.3'), () => [
      f32(k, [I, 3 * H]),
      f32(u, [H, 3 * H]),
      f32(b, [2, 3 * H]),
    ]);
    expect(imported.spec.linearBeforeReset).toBe(true);
    const xs = [0.7, -1.3, 0.4];
    await using model = await reference.createModel(imported.spec, imported.params);
    const out = await predictKeras(model, imported, tensor(Float64Array.from(xs), [1, 3, 1]));
    const K = Float32Array.from(k);
    const U = Float32Array.from(u);
    const Bs = Float32Array.from(b);
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    let h = [0, 0];
    const want: number[] = [];
    for (const x of xs) {
      const pre = (gate: number, j: number, withRecurrent: boolean): [number, number] => {
        const col = gate * H + j;
        let rec = Bs[3 * H + col] as number;
        for (let m = 0; m < H; m++) rec += (h[m] as number) * (U[m * 3 * H + col] as number);
        return [x * (K[col] as number) + (Bs[col] as number), withRecurrent ? rec : 0];
      };
      h = h.map((hj, j) => {
        const [zx, zh] = pre(0, j, true);
        const [rx, rh] = pre(1, j, true);
        const [nx, nh] = pre(2, j, true);
        const z = sig(zx + zh);
        const r = sig(rx + rh);
        const hh = Math.tanh(nx + r * nh);
        return z * hj + (1 - z) * hh;
      });
      want.push(...h);
    }
    expectClose(out, want, 1e-6);
  });

  it("hard_sigmoid's slope follows the file's Keras version (0.2 in Keras 2 and tfjs, 1/6 in Keras 3)", () => {
    const layer = { class_name: 'LSTM', config: { name: 'l', units: 1, recurrent_activation: 'hard_sigmoid' } };
    const w: LayerWeights = () => [
      tensor(new Float32Array(4), [1, 4]),
      tensor(new Float32Array(4), [1, 4]),
      tensor(new Float32Array(4), [4]),
    ];
    expect(importKerasConfig(seq(layer, 'tfjs-layers 4.22.0'), w).spec.activations[0]).toEqual({
      name: 'HardSigmoid',
      alpha: 0.2,
      beta: 0.5,
    });
    expect(importKerasConfig(seq(layer, '2.15.0'), w).spec.activations[0]).toEqual({
      name: 'HardSigmoid',
      alpha: 0.2,
      beta: 0.5,
    });
    expect(importKerasConfig(seq(layer, '3.3.3'), w).spec.activations[0]).toEqual({
      name: 'HardSigmoid',
      alpha: 1 / 6,
      beta: 0.5,
    });
    expect(importKerasConfig(seq(layer, '2.15.0'), w, '3.0.0').spec.activations[0]?.alpha).toBe(1 / 6);
  });
});

describe('selu', () => {
  it("imports as Selu with Keras' constants and exports back as selu (ONNX's float32 defaults too)", () => {
    const layer = { class_name: 'SimpleRNN', config: { name: 's', units: 1, activation: 'selu' } };
    const w: LayerWeights = () => [
      tensor(new Float32Array(1), [1, 1]),
      tensor(new Float32Array(1), [1, 1]),
      tensor(new Float32Array(1), [1]),
    ];
    const a = importKerasConfig(seq(layer, '2.15.0'), w).spec.activations[0]!;
    expect(a).toEqual({ name: 'Selu', alpha: 1.6732632423543772, beta: 1.0507009873554805 });
    expect(kerasActivationName(a, '2.15.0')).toBe('selu');
    expect(
      kerasActivationName({ name: 'Selu', alpha: 1.67326319217681884765625, beta: 1.05070102214813232421875 }, null),
    ).toBe('selu');
    expect(kerasActivationName({ name: 'Selu', alpha: 1, beta: 1.0507009873554805 }, null)).toBeNull();
  });
});

describe('initial states and masking', () => {
  it('a functional model with initial-state inputs (LSTM h and c) predicts what tfjs-layers predicts', async () => {
    const x = tf.input({ shape: [4, 2] });
    const h0 = tf.input({ shape: [3] });
    const c0 = tf.input({ shape: [3] });
    const lstm = tf.layers.lstm({
      units: 3,
      returnSequences: true,
      recurrentInitializer: 'glorotUniform',
      biasInitializer: 'glorotUniform',
    });
    const y = lstm.apply(x, { initialState: [h0, c0] }) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [x, h0, c0], outputs: y });
    const imported = importTfjsArtifacts((await saveArtifacts(model)) as Parameters<typeof importTfjsArtifacts>[0]);
    expect(imported.initialStates.map((s) => s.state)).toEqual(['h', 'c']);
    const rng = new SeededRandom(3);
    const rand = (shape: number[]): Tensor =>
      tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(-1, 1)),
        shape,
      );
    const [xv, hv, cv] = [rand([2, 4, 2]), rand([2, 3]), rand([2, 3])];
    const out = tf.tidy(
      () => model.predict([xv, hv, cv].map((t) => tf.tensor(Array.from(t.data), [...t.shape]))) as tf.Tensor,
    );
    const want = Float32Array.from(await out.data());
    out.dispose();
    await using m = await reference.createModel(imported.spec, imported.params);
    expectClose(await predictKeras(m, imported, [xv, hv, cv]), want, 2e-5);
  });

  it('padding "zeros" gives deeprnn zeros at masked steps where tfjs-layers carries the last output', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.masking({ inputShape: [3, 1], maskValue: 0 }),
        tf.layers.simpleRNN({ units: 1, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
      ],
    });
    const imported = importTfjsArtifacts((await saveArtifacts(model)) as Parameters<typeof importTfjsArtifacts>[0]);
    const x = tensor(Float32Array.of(0.5, 0.25, 0), [1, 3, 1]);
    const want = await tfjsPredict(model, x);
    await using m = await reference.createModel(imported.spec, imported.params);
    const carry = await predictKeras(m, imported, x);
    const zeros = await predictKeras(m, imported, x, { padding: 'zeros' });
    expectClose(carry, want.data, 2e-6);
    expect(want.data[2]).toBe(want.data[1]);
    expectClose(zeros, [want.data[0] as number, want.data[1] as number, 0], 2e-6);
  });

  it('a mask with padding before valid steps is a ShapeError (deeprnn lengths cannot express it)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.masking({ inputShape: [3, 1], maskValue: 0 }),
        tf.layers.gru({ units: 1, recurrentInitializer: 'glorotUniform' }),
      ],
    });
    const imported = importTfjsArtifacts((await saveArtifacts(model)) as Parameters<typeof importTfjsArtifacts>[0]);
    await using m = await reference.createModel(imported.spec, imported.params);
    await expect(predictKeras(m, imported, tensor(Float32Array.of(0.5, 0, 1), [1, 3, 1]))).rejects.toThrow(ShapeError);
    await expect(predictKeras(m, imported, tensor(Float32Array.of(0.5, 0, 1), [1, 3, 1]))).rejects.toThrow(
      /row 0 is masked at step 1 but not at step 2/,
    );
  });
});
