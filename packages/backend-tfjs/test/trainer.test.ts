import { type GradOutput, type RnnConfig, type Tensor, compareTensors, createReferenceBackend, defineSpec, initParams, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, createTfjsTrainer } from '../src/index.js';

const backend = await createBackend({ engines: ['wasm'] });
afterAll(() => backend.dispose());
const oracle = createReferenceBackend({ dtype: 'float64' });

/** A fixed output gradient, as a head would return it. */
const head = (y: Tensor): GradOutput => ({ output: tensor(Float32Array.from(y.data, (_, i) => Math.cos(i * 0.7)), y.shape) });

async function referenceGrads(config: RnnConfig, x: Tensor) {
  const spec = defineSpec(config);
  const params = initParams(spec, { seed: 4 });
  const model = await oracle.createModel(spec, params);
  const { output, state } = await model.forward(x);
  const grads = await model.gradients!(x, undefined, head(output));
  return { spec, params, output, state, grads: grads.params };
}

describe('createTfjsTrainer', () => {
  it.each<[string, RnnConfig]>([
    ['rnn_tanh, 2 layers', { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 2 }],
    ['gru, bidirectional', { mode: 'gru', inputSize: 4, hiddenSize: 5, bidirectional: true }],
    ['lstm, projection', { mode: 'lstm', inputSize: 3, hiddenSize: 6, numLayers: 2, projSize: 3 }],
  ])('%s: output, state and parameter gradients agree with the float64 reference', async (_name, config) => {
    const x = tensor(Float32Array.from({ length: 7 * 3 * config.inputSize }, (_, i) => Math.sin(i * 1.3)), [7, 3, config.inputSize]);
    const want = await referenceGrads(config, x);
    await using trainer = createTfjsTrainer(backend, want.spec);
    for (let step = 0; step < 2; step++) {
      // The second call reuses the variables with new values written in.
      const got = await trainer.forwardBackward(want.params, x, undefined, head, {});
      expect(compareTensors(got.output, want.output).pass).toBe(true);
      expect(compareTensors(got.state.h, want.state.h).pass).toBe(true);
      expect(Object.keys(got.paramGrads).sort()).toEqual(Object.keys(want.grads).sort());
      // Gradients sum over steps and rows: float32 against float64 within 1e-4 + 1e-3 |want|.
      for (const [name, g] of Object.entries(want.grads)) {
        const c = compareTensors(got.paramGrads[name]!, g, { atol: 1e-4, rtol: 1e-3 });
        expect(c.detail, name).toBe('');
      }
    }
  });

  it('writes new parameter values into its variables between steps and leaks no tensors', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
    const x = tensor(Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.cos(i)), [5, 2, 3]);
    const trainer = createTfjsTrainer(backend, spec);
    const a = await trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {});
    const before = tf.memory().numTensors;
    const b = await trainer.forwardBackward(initParams(spec, { seed: 2 }), x, undefined, head, {});
    expect(tf.memory().numTensors).toBe(before);
    expect(b.output.data).not.toEqual(a.output.data);
    const again = await trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {});
    expect(again.output.data).toEqual(a.output.data);
    await trainer.dispose();
    await trainer.dispose();
    await expect(trainer.forwardBackward(initParams(spec, { seed: 1 }), x, undefined, head, {})).rejects.toThrow(/used after dispose/);
  });

  describe('forwardBackwardWithHead (linear head + softmax cross-entropy on the engine)', () => {
    /** The head in float64 on the host: loss, dLoss/dOutput (in the output's layout), dW, db. */
    function hostHead(output: Tensor, W: Float64Array, b: Float64Array, targets: Int32Array, isBatchFirst: boolean) {
      const [d0, d1, F] = output.shape as [number, number, number];
      const [T, B] = isBatchFirst ? [d1, d0] : [d0, d1];
      const V = b.length;
      const N = T * B;
      const dY = new Float32Array(output.data.length);
      const dW = new Float64Array(V * F);
      const db = new Float64Array(V);
      let loss = 0;
      for (let t = 0; t < T; t++) {
        for (let r = 0; r < B; r++) {
          const yOff = (isBatchFirst ? r * T + t : t * B + r) * F;
          const logits = Array.from({ length: V }, (_, v) => b[v]! + Array.from({ length: F }, (_, f) => W[v * F + f]! * output.data[yOff + f]!).reduce((x, y) => x + y));
          const max = Math.max(...logits);
          const sum = logits.reduce((s, l) => s + Math.exp(l - max), 0);
          const target = targets[t * B + r]!;
          loss += Math.log(sum) + max - logits[target]!;
          for (let v = 0; v < V; v++) {
            const g = (Math.exp(logits[v]! - max) / sum - (v === target ? 1 : 0)) / N;
            db[v]! += g;
            for (let f = 0; f < F; f++) {
              dW[v * F + f]! += g * output.data[yOff + f]!;
              dY[yOff + f]! += g * W[v * F + f]!;
            }
          }
        }
      }
      return { loss: loss / N, dY, dW, db };
    }

    it.each<[string, RnnConfig]>([
      ['rnn_tanh, 2 layers', { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 6, numLayers: 2 }],
      ['gru, bidirectional, batch-first', { mode: 'gru', inputSize: 4, hiddenSize: 5, bidirectional: true, batchFirst: true }],
      ['lstm, projection', { mode: 'lstm', inputSize: 3, hiddenSize: 6, numLayers: 2, projSize: 3 }],
    ])('%s: loss, state, RNN and head gradients agree with the float64 reference', async (_name, config) => {
      const spec = defineSpec(config);
      const [T, B, V] = [7, 3, 4];
      const shape = spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
      const x = tensor(Float32Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(i * 1.3)), shape);
      const F = (spec.projSize || spec.hiddenSize) * (spec.bidirectional ? 2 : 1);
      const W = Float32Array.from({ length: V * F }, (_, i) => 0.5 * Math.cos(i * 0.9));
      const bias = Float32Array.from({ length: V }, (_, i) => 0.1 * i);
      const targets = Int32Array.from({ length: T * B }, (_, i) => (i * 7) % V);
      const params = initParams(spec, { seed: 4 });
      const model = await oracle.createModel(spec, params);
      const { output, state } = await model.forward(x);
      const want = hostHead(output, Float64Array.from(W), Float64Array.from(bias), targets, spec.batchFirst);
      const wantGrads = await model.gradients!(x, undefined, { output: tensor(want.dY, output.shape) });
      await using trainer = createTfjsTrainer(backend, spec);
      const head = { weight: tensor(W, [V, F]), bias: tensor(bias, [V]), targets };
      for (let step = 0; step < 2; step++) {
        const got = await trainer.forwardBackwardWithHead(params, x, undefined, head, {});
        expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-5);
        expect(compareTensors(got.state.h, state.h).pass).toBe(true);
        const tol = { atol: 1e-5, rtol: 1e-3 };
        expect(compareTensors(got.headGrads.weight, tensor(want.dW, [V, F]), tol).detail).toBe('');
        expect(compareTensors(got.headGrads.bias, tensor(want.db, [V]), tol).detail).toBe('');
        for (const [name, g] of Object.entries(wantGrads.params)) {
          expect(compareTensors(got.paramGrads[name]!, g, tol).detail, name).toBe('');
        }
      }
    });

    it('rejects a head or parameters that do not fit with typed errors, leaks nothing per step, and takes a new head size', async () => {
      const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4 });
      const x = tensor(Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.cos(i)), [5, 2, 3]);
      const params = initParams(spec, { seed: 1 });
      const good = { weight: tensor(new Float32Array(2 * 4), [2, 4]), bias: tensor(new Float32Array(2), [2]), targets: new Int32Array(10) };
      await using trainer = createTfjsTrainer(backend, spec);
      await trainer.forwardBackwardWithHead(params, x, undefined, good, {});
      const steady = tf.memory().numTensors;
      await trainer.forwardBackwardWithHead(params, x, undefined, good, {});
      expect(tf.memory().numTensors).toBe(steady);
      await expect(trainer.forwardBackwardWithHead(params, x, undefined, { ...good, weight: tensor(new Float32Array(6), [2, 3]) }, {})).rejects.toThrow(
        /head weight must be \[V, 4\].*got \[2, 3\]/,
      );
      await expect(trainer.forwardBackwardWithHead(params, x, undefined, { ...good, targets: new Int32Array(9) }, {})).rejects.toMatchObject({ code: 'E_SHAPE' });
      await expect(trainer.forwardBackwardWithHead(params, x, undefined, { ...good, targets: Int32Array.from({ length: 10 }, () => 2) }, {})).rejects.toThrow(
        /targets must be class indices in \[0, 2\), got 2/,
      );
      expect(tf.memory().numTensors).toBe(steady);
      // Parameters of the wrong shape: a typed error, and the trainer stays usable.
      const bad = { ...params, weight_hh_l0: tensor(new Float32Array(3 * 4), [3, 4]) };
      await expect(trainer.forwardBackwardWithHead(bad, x, undefined, good, {})).rejects.toMatchObject({ code: 'E_PARAMETER' });
      // A head for another vocabulary size gets its own variables.
      const wider = { weight: tensor(Float32Array.from({ length: 5 * 4 }, (_, i) => i / 20), [5, 4]), bias: tensor(new Float32Array(5), [5]), targets: Int32Array.from({ length: 10 }, (_, i) => i % 5) };
      const r = await trainer.forwardBackwardWithHead(params, x, undefined, wider, {});
      expect(r.headGrads.weight.shape).toEqual([5, 4]);
      expect(Number.isFinite(r.loss)).toBe(true);
    });
  });
});
