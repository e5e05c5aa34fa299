import {
  type Backend,
  checkGoldenCase,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  tensor,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { TfjsBackend, createBackend } from '../src/index.js';
import { SHARED_GOLDEN, loadCases } from './golden-files.js';
import { expectClose, randomCase } from './helpers.js';

// The WebGPU engine (tfjs-backend-webgpu over Dawn from the `webgpu` package). On CI it runs on Mesa
// lavapipe (tools/ci/setup-lavapipe.sh), which is 4x to 50x slower than the CPU, so only small cases
// run here. With CI set, a missing adapter FAILS this file; elsewhere it is skipped, saying why.
const probe: TfjsBackend | Error = await createBackend({ engines: ['webgpu'] }).catch((e: unknown) =>
  e instanceof Error ? e : new Error(String(e)),
);
const isAvailable = probe instanceof TfjsBackend;
const reason = isAvailable ? '' : probe.message;
const SMALL = new Set([
  'rnn_tanh_l1_basic',
  'rnn_relu_l1_bf_bidir',
  'gru_l1_basic',
  'gru_unbatched_l2',
  'lstm_l2_bidir_bf',
  'lstm_l3_proj',
  'seed_rnnlayer_l2_h0',
]);
const cases = [...loadCases(`${SHARED_GOLDEN}/pytorch`), ...loadCases(`${SHARED_GOLDEN}/seed-rnnlayer`)].filter((c) =>
  SMALL.has(c.name),
);

if (!isAvailable && process.env.CI) {
  describe('tfjs webgpu on CI', () => {
    it('finds a WebGPU adapter (run tools/ci/setup-lavapipe.sh and source its env.sh)', () => {
      throw probe;
    });
  });
}

describe.skipIf(!isAvailable)(`tfjs webgpu${isAvailable ? '' : ` (skipped: ${reason})`}`, () => {
  const backend = probe as TfjsBackend;
  const oracle: Backend = createReferenceBackend({ dtype: 'float64' });
  afterAll(async () => {
    await backend.dispose();
    await oracle.dispose();
  });

  it('reports the webgpu engine and its adapter', () => {
    expect(backend.engine).toBe('webgpu');
    expect(backend.device).toMatch(/^webgpu \(.+\)$/);
  });

  it(`golden cases (${cases.length} small ones) within 1e-5 + 1e-4 |x|`, { timeout: 120_000 }, async () => {
    expect(cases.length).toBe(SMALL.size);
    for (const c of cases) {
      const result = await checkGoldenCase(backend, c);
      expect(result.failures, c.name).toEqual([]);
    }
  });

  it(
    'peepholes, clip and lengths agree with the float64 reference, and nothing leaks',
    { timeout: 60_000 },
    async () => {
      const spec = defineSpec({
        mode: 'lstm',
        inputSize: 3,
        hiddenSize: 4,
        bidirectional: true,
        peepholes: true,
        clip: 1,
      });
      const c = randomCase(spec, 4, 2, 77);
      await using want = await oracle.createModel(c.spec, c.params);
      const got = await backend.createModel(c.spec, c.params);
      const before = tf.memory().numTensors;
      const w = await want.forward(c.input, c.initial, { lengths: [4, 2] });
      const g = await got.forward(c.input, c.initial, { lengths: [4, 2] });
      expect(tf.memory().numTensors).toBe(before);
      await got.dispose();
      expectClose(g.output, w.output, backend.capabilities.tolerance, 'output');
      expectClose(g.state.h, w.state.h, backend.capabilities.tolerance, 'hN');
    },
  );

  it(
    'the trainer (head and loss as engine ops, update on the engine) agrees with the float64 reference trainer',
    { timeout: 120_000 },
    async () => {
      const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 });
      const c = randomCase(spec, 5, 2, 31);
      const V = 3;
      const head = {
        weight: tensor(
          Float32Array.from({ length: V * 4 }, (_, i) => 0.3 * Math.cos(i)),
          [V, 4],
        ),
        bias: tensor(new Float32Array(V), [V]),
      };
      const init = { params: { rnn: c.params, head }, optimizer: { name: 'sgd', lr: 0.5 } as const, gradClipNorm: 1 };
      const targets = Int32Array.from({ length: 10 }, (_, i) => i % V);
      await using want = await oracle.createTrainer!(spec, init);
      await using got = await backend.createTrainer(spec, init);
      const [rw, rg] = [await want.step({ input: c.input, targets }), await got.step({ input: c.input, targets })];
      expect(Math.abs(rg.loss - rw.loss) / rw.loss).toBeLessThan(1e-4);
      expect(Math.abs(rg.gradNorm - rw.gradNorm) / rw.gradNorm).toBeLessThan(1e-3);
      const [pw, pg] = [await want.readParams(), await got.readParams()];
      const tol = { atol: 1e-4, rtol: 1e-3 };
      for (const [name, t] of Object.entries(pw.rnn))
        expect(compareTensors(pg.rnn[name]!, t, tol).detail, name).toBe('');
      expect(compareTensors(pg.head!.weight, pw.head!.weight, tol).detail).toBe('');
    },
  );
});
