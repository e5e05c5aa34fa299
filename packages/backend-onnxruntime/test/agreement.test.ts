import {
  type RnnConfig,
  RNN_MODES,
  type RnnState,
  SeededRandom,
  type Tensor,
  activationCount,
  cellStateShape,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  hiddenStateShape,
  initParams,
  tensor,
} from '@deeprnn/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const TOL = { atol: 1e-5, rtol: 1e-4 };
const ACTS = [
  'Relu',
  'Tanh',
  'Sigmoid',
  'Affine',
  'LeakyRelu',
  'ThresholdedRelu',
  'ScaledTanh',
  'HardSigmoid',
  'Elu',
  'Softsign',
  'Softplus',
] as const;

const configArb: fc.Arbitrary<RnnConfig> = fc.constantFrom(...RNN_MODES).chain((mode) =>
  fc
    .record({
      inputSize: fc.integer({ min: 1, max: 4 }),
      hiddenSize: fc.integer({ min: 2, max: 5 }),
      numLayers: fc.integer({ min: 1, max: 3 }),
      bias: fc.boolean(),
      batchFirst: fc.boolean(),
      bidirectional: fc.boolean(),
      proj: fc.integer({ min: 0, max: 4 }),
      acts: fc.option(
        fc.array(fc.constantFrom(...ACTS), { minLength: activationCount(mode), maxLength: activationCount(mode) }),
        { nil: undefined },
      ),
      clip: fc.option(fc.constantFrom(0.5, 1, 3), { nil: undefined }),
      peepholes: fc.boolean(),
      inputForget: fc.boolean(),
      linearBeforeReset: fc.boolean(),
      tiedLayers: fc.boolean(),
    })
    .map(
      (r) =>
        ({
          mode,
          inputSize: r.inputSize,
          hiddenSize: r.hiddenSize,
          numLayers: r.numLayers,
          bias: r.bias,
          batchFirst: r.batchFirst,
          bidirectional: r.bidirectional,
          tiedLayers: r.tiedLayers,
          ...(mode === 'lstm'
            ? { projSize: r.proj < r.hiddenSize ? r.proj : 0, peepholes: r.peepholes, inputForget: r.inputForget }
            : {}),
          ...(mode === 'gru' ? { linearBeforeReset: r.linearBeforeReset } : {}),
          ...(r.acts ? { activations: r.acts.map((name) => ({ name })) } : {}),
          ...(r.clip !== undefined ? { clip: r.clip } : {}),
        }) as RnnConfig,
    ),
);

function random(rng: SeededRandom, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from({ length: n }, () => rng.uniform(-1.5, 1.5)),
    shape,
  );
}

const callArb = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  B: fc.integer({ min: 1, max: 3 }),
  isUnbatched: fc.boolean(),
  withState: fc.boolean(),
  withLengths: fc.boolean(),
  seed: fc.nat(),
});

describe('onnxruntime agrees with the float64 reference', async () => {
  const oracle = createReferenceBackend({ dtype: 'float64' });
  const backends = {
    node: await createBackend({ executionProviders: ['cpu'], lowering: 'node' }),
    loop: await createBackend({ executionProviders: ['cpu'], lowering: 'loop' }),
  };
  afterAll(async () => {
    await backends.node.dispose();
    await backends.loop.dispose();
  });

  for (const lowering of ['node', 'loop'] as const) {
    it(`${lowering} lowering: random configs, states, lengths (0 included), unbatched and batch-first calls`, async () => {
      await fc.assert(
        fc.asyncProperty(configArb, callArb, async (config, call) => {
          const spec = defineSpec(config);
          const params = initParams(spec, { seed: call.seed });
          const rng = new SeededRandom(call.seed + 1);
          const unbatched = call.isUnbatched && !call.withLengths;
          const B = unbatched ? 1 : call.B;
          const shape = unbatched
            ? [call.T, spec.inputSize]
            : spec.batchFirst
              ? [B, call.T, spec.inputSize]
              : [call.T, B, spec.inputSize];
          const input = random(rng, shape);
          const callShape = { T: call.T, B, isUnbatched: unbatched };
          let initial: RnnState | undefined;
          if (call.withState) {
            const h = random(rng, hiddenStateShape(spec, callShape));
            initial = spec.mode === 'lstm' ? { h, c: random(rng, cellStateShape(spec, callShape)) } : { h };
          }
          const options = call.withLengths
            ? { lengths: Array.from({ length: B }, () => Math.floor(rng.uniform(0, call.T + 1))) }
            : {};
          const want = await (await oracle.createModel(spec, params)).forward(input, initial, options);
          // Unbounded activations (Relu gates) can blow up past float32's range; such cases say nothing.
          const big = (t: Tensor | undefined): boolean => t !== undefined && t.data.some((v) => !(Math.abs(v) < 1e4));
          fc.pre(!big(want.output) && !big(want.state.h) && !big(want.state.c));
          await using model = await backends[lowering].createModel(spec, params);
          const got = await model.forward(input, initial, options);
          for (const [what, g, w] of [
            ['output', got.output, want.output],
            ['hN', got.state.h, want.state.h],
            ['cN', got.state.c, want.state.c],
          ] as const) {
            if (w === undefined) continue;
            const cmp = compareTensors(g as Tensor, w, TOL);
            expect(cmp.pass, `${what}: ${cmp.detail}`).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
