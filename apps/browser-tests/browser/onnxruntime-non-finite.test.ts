// The fresh-seed finding of issue 22 on onnxruntime-web wasm, fixed: replay FC_SEED=1293627059 of the
// non-finite property drew a bidirectional LSTM with peepholes, inputForget and clip 20, and -Infinity
// in c0. The route for non-finite calls ran the float32 reference, where f = 1 - sigmoid(20) rounds to 0
// and 0 * -inf gives NaN; the semantics (float64) keep -inf. The shrunk case, checked element by element.
import { type CaseRecipe, materialize } from '@deeprnn/conformance';
import { createReferenceBackend, tensor } from '@deeprnn/core';
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';

const RECIPE: CaseRecipe = {
  config: {
    mode: 'lstm',
    inputSize: 3,
    hiddenSize: 1,
    numLayers: 2,
    bias: true,
    batchFirst: false,
    bidirectional: true,
    projSize: 0,
    clip: 20,
    peepholes: true,
    inputForget: true,
  },
  dtype: 'float32',
  paramSeed: 0,
  paramScale: 'pytorch',
  T: 1,
  B: 1,
  isUnbatched: false,
  inputSeed: 0,
  inputKind: 'normal',
  initial: 'hc',
  lengths: null,
};

it('onnxruntime wasm (chromium): -Infinity in c0 of an inputForget LSTM stays -Infinity, not NaN', async () => {
  const c = materialize(RECIPE);
  const c0 = c.initial!.c!;
  const poisoned = Float32Array.from(c0.data);
  poisoned[3] = -Infinity; // the last layer's reverse direction
  const initial = { h: c.initial!.h, c: tensor(poisoned, c0.shape) };
  await using reference = createReferenceBackend({ dtype: 'float64' });
  await using refModel = await reference.createModel(c.spec, c.params);
  const want = await refModel.forward(c.input, initial, { checkFinite: false });
  await using backend = await pageBackend('onnxruntime').create('wasm');
  await using model = await backend.createModel(c.spec, c.params);
  const got = await model.forward(c.input, initial);
  expect(want.state.c!.data[3]).toBe(-Infinity);
  for (const [name, g, w] of [
    ['output', got.output.data, want.output.data],
    ['hN', got.state.h.data, want.state.h.data],
    ['cN', got.state.c!.data, want.state.c!.data],
  ] as const) {
    w.forEach((v, i) => {
      if (Number.isFinite(v))
        expect(Math.abs(g[i]! - v), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v));
      else expect(g[i], `${name}[${i}]`).toBe(v);
    });
  }
});
