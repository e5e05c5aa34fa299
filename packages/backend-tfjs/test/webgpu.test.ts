import { type Backend, checkGoldenCase, compareTensors, createReferenceBackend, defineSpec, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { TfjsBackend, createBackend, createTfjsTrainer } from '../src/index.js';
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
const SMALL = new Set(['rnn_tanh_l1_basic', 'rnn_relu_l1_bf_bidir', 'gru_l1_basic', 'gru_unbatched_l2', 'lstm_l2_bidir_bf', 'lstm_l3_proj', 'seed_rnnlayer_l2_h0']);
const cases = [...loadCases(`${SHARED_GOLDEN}/pytorch`), ...loadCases(`${SHARED_GOLDEN}/seed-rnnlayer`)].filter((c) => SMALL.has(c.name));

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

  it('peepholes, clip and lengths agree with the float64 reference, and nothing leaks', { timeout: 60_000 }, async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, bidirectional: true, peepholes: true, clip: 1 });
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
  });

  it('the native trainer (both passes, head on the engine) agrees with the float64 reference', { timeout: 120_000 }, async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const c = randomCase(spec, 5, 2, 31);
    await using want = await oracle.createModel(c.spec, c.params);
    const { output, state } = await want.forward(c.input);
    const gOut = tensor(Float32Array.from(output.data, (_, i) => Math.cos(i * 0.7)), output.shape);
    const wantGrads = await want.gradients!(c.input, undefined, { output: gOut });
    await using trainer = createTfjsTrainer(backend, spec);
    const tol = { atol: 1e-4, rtol: 1e-3 };
    const got = await trainer.forwardBackward(c.params, c.input, undefined, () => ({ output: gOut }), {});
    expectClose(got.output, output, backend.capabilities.tolerance, 'output');
    expectClose(got.state.h, state.h, backend.capabilities.tolerance, 'hN');
    for (const [name, g] of Object.entries(wantGrads.params)) expect(compareTensors(got.paramGrads[name]!, g, tol).detail, name).toBe('');
    // The head's pass: a uniform head (W = 0, b = 0) makes the loss log V exactly and dW = mean of
    // (1/V - onehot) outer y, checked here against the same sums done on the host.
    const V = 3;
    const targets = Int32Array.from({ length: 10 }, (_, i) => i % V);
    const head = { weight: tensor(new Float32Array(V * 4), [V, 4]), bias: tensor(new Float32Array(V), [V]), targets };
    const withHead = await trainer.forwardBackwardWithHead(c.params, c.input, undefined, head, {});
    expect(Math.abs(withHead.loss - Math.log(V))).toBeLessThan(1e-6);
    const dW = new Float64Array(V * 4);
    for (let n = 0; n < 10; n++) {
      for (let v = 0; v < V; v++) for (let f = 0; f < 4; f++) dW[v * 4 + f]! += ((1 / V - (v === targets[n] ? 1 : 0)) / 10) * output.data[n * 4 + f]!;
    }
    expect(compareTensors(withHead.headGrads.weight, tensor(dW, [V, 4]), tol).detail).toBe('');
  });
});
