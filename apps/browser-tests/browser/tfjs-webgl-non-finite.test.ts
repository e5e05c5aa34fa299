// tfjs's webgl engine and non-finite values, one test per ONNX activation. GLSL ES 3.0 leaves NaN
// undefined and Chromium's SwiftShader shows it: raw tfjs webgl gives softplus, elu, selu and expm1
// of NaN as +Inf, and relu(-Inf) as NaN. backend-tfjs declares webgl neither exp- nor relu-NaN-safe
// (op-policy.ts), so these activations run in their NaN-keeping form; each must give NaN, and the same
// infinities, exactly where the float64 reference does.
import {
  ACTIVATION_DEFAULTS,
  ACTIVATION_NAMES,
  type ActivationName,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';

// One step, four batch rows: x = NaN, -Inf, +Inf, 0.5 through weight 2 and bias 0.25 (h0 = 0).
const INPUT = tensor(Float32Array.from([NaN, -Infinity, Infinity, 0.5]), [1, 4, 1]);
const PARAMS = {
  weight_ih_l0: tensor(Float32Array.from([2]), [1, 1]),
  weight_hh_l0: tensor(Float32Array.from([0.5]), [1, 1]),
  bias_ih_l0: tensor(Float32Array.from([0.25]), [1]),
  bias_hh_l0: tensor(Float32Array.from([0]), [1]),
};

function sameNonFinite(got: ArrayLike<number>, want: ArrayLike<number>): void {
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Number.isNaN(w)) expect(g, `row ${i}: NaN in the reference`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `row ${i}`).toBe(w);
    else expect(Math.abs(g - w), `row ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(w));
  }
}

describe('tfjs webgl (chromium): NaN and infinities per activation', () => {
  for (const name of ACTIVATION_NAMES as readonly ActivationName[]) {
    it(`${name}: NaN, -Inf and +Inf in give what the float64 reference gives`, async () => {
      const spec = defineSpec({
        mode: 'rnn_tanh',
        inputSize: 1,
        hiddenSize: 1,
        activations: [{ name, ...ACTIVATION_DEFAULTS[name] }],
      });
      await using reference = createReferenceBackend({ dtype: 'float64' });
      await using refModel = await reference.createModel(spec, PARAMS);
      const want = await refModel.forward(INPUT, undefined, { checkFinite: false });
      await using backend = await pageBackend('tfjs').create('webgl');
      expect(backend.device).toMatch(/^webgl/);
      await using model = await backend.createModel(spec, PARAMS);
      const got = await model.forward(INPUT);
      sameNonFinite(got.output.data, want.output.data);
    });
  }
});

// A packed webgl texture pads odd shapes; a product whose input holds -Inf wrote Inf * 0 = NaN into its
// output's padding, packed elementwise ops carried it, and the LSTM projection (inner dimension 3) added
// NaN * 0 into real values: NaN where the reference is finite (fresh-seed replay FC_SEED=1592216929 of
// the non-finite property). backend-tfjs turns packed binary operations off on webgl and says so.
describe('tfjs webgl (chromium): a texture padding never reaches an answer', () => {
  it('LSTM with a projection, clip and affine gates: -Inf in gives the finite answer of the reference', async () => {
    const spec = defineSpec({
      mode: 'lstm',
      inputSize: 5,
      hiddenSize: 3,
      projSize: 2,
      clip: 3,
      activations: [
        { name: 'Affine', alpha: -0.75, beta: 0.5 },
        { name: 'Sigmoid' },
        { name: 'Affine', alpha: 0.5, beta: 0.5 },
      ],
    });
    const params = initParams(spec, { seed: 0 });
    const x = tensor(Float32Array.from([-Infinity, 0.3, -0.2, 0.5, 0.1]), [1, 1, 5]);
    await using reference = createReferenceBackend({ dtype: 'float64' });
    await using refModel = await reference.createModel(spec, params);
    const want = await refModel.forward(x, undefined, { checkFinite: false });
    expect([...want.output.data].every(Number.isFinite)).toBe(true);
    await using backend = await pageBackend('tfjs').create('webgl');
    expect(backend.notices.join('\n')).toMatch(/WEBGL_PACK_BINARY_OPERATIONS set to false/);
    await using model = await backend.createModel(spec, params);
    sameNonFinite((await model.forward(x)).output.data, want.output.data);
  });
});
