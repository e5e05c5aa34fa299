// Hand-written NaN cases for tfjs's webgpu engine in Chromium, whose SwiftShader adapter computes
// exp(NaN) = +Inf: before backend-tfjs kept NaN around its exp-based activations, rnn_tanh with Softplus
// and clip 1 turned a NaN input into Infinity (fresh-seed replay FC_SEED=998267652 of the non-finite
// property) and a sigmoid gate turned it into 0. Each case has one NaN in row 0's first step: row 0 must
// be NaN everywhere after it (as in the float64 reference), row 1 must agree with the reference.
import { type ActivationName, createReferenceBackend, defineSpec, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withWebgpu } from './webgpu-lane.js';

const f32 = (xs: number[], shape: number[]) => tensor(Float32Array.from(xs), shape);

const CASES: readonly {
  readonly mode: 'rnn_tanh' | 'gru';
  readonly activation: ActivationName | null;
  readonly clip: number | null;
}[] = [
  { mode: 'rnn_tanh', activation: 'Softplus', clip: 1 },
  { mode: 'rnn_tanh', activation: 'Softplus', clip: null },
  { mode: 'rnn_tanh', activation: 'Sigmoid', clip: null },
  { mode: 'rnn_tanh', activation: 'Sigmoid', clip: 1 },
  { mode: 'rnn_tanh', activation: 'Elu', clip: 1 },
  { mode: 'rnn_tanh', activation: 'Selu', clip: 1 },
  // The default GRU: its r and z sigmoids, fused into the product on other engines, run unfused here.
  { mode: 'gru', activation: null, clip: null },
];

await withWebgpu('tfjs webgpu (chromium) hand-written NaN cases', () => {
  describe('tfjs webgpu (chromium) hand-written NaN cases', () => {
    for (const c of CASES) {
      it(`${c.mode} ${c.activation ?? 'default activations'}, clip ${c.clip}: NaN in, NaN out`, async () => {
        const gates = c.mode === 'gru' ? 3 : 1;
        const activations =
          c.activation === null ? [] : [{ name: c.activation, ...(c.activation === 'Elu' ? { alpha: 1 } : {}) }];
        const spec = defineSpec({
          mode: c.mode,
          inputSize: 1,
          hiddenSize: 1,
          bias: true,
          ...(activations.length > 0 ? { activations } : {}),
          clip: c.clip,
        });
        const params = {
          weight_ih_l0: f32([0.5, -0.25, 0.75].slice(0, gates), [gates, 1]),
          weight_hh_l0: f32([0.25, 0.5, -0.5].slice(0, gates), [gates, 1]),
          bias_ih_l0: f32([0.1, 0, 0.2].slice(0, gates), [gates]),
          bias_hh_l0: f32([0, 0.05, 0].slice(0, gates), [gates]),
        };
        // [T=2, B=2, I=1]: step 0 is (NaN, 0.3), step 1 (0.7, -0.4).
        const input = f32([NaN, 0.3, 0.7, -0.4], [2, 2, 1]);
        await using reference = createReferenceBackend({ dtype: 'float64' });
        await using refModel = await reference.createModel(spec, params);
        const want = await refModel.forward(input);
        await using backend = await pageBackend('tfjs').create('webgpu');
        expect(backend.device).toMatch(/^webgpu/);
        await using model = await backend.createModel(spec, params);
        const got = await model.forward(input);
        for (const [name, g, w] of [
          ['output', got.output.data, want.output.data],
          ['hN', got.state.h.data, want.state.h.data],
        ] as const) {
          expect(Array.from(w, Number.isNaN), `reference ${name}`).toEqual(
            name === 'output' ? [true, false, true, false] : [true, false],
          );
          expect(Array.from(g, Number.isNaN), `${name}: NaN exactly where the reference has it`).toEqual(
            Array.from(w, Number.isNaN),
          );
          w.forEach((v, i) => {
            if (!Number.isNaN(v)) expect(g[i], `${name}[${i}]`).toBeCloseTo(v, 5);
          });
        }
      });
    }
  });
});
