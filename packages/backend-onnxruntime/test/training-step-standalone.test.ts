import {
  SeededRandom,
  type TrainerParams,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { exportTrainingStep, trainedParameters } from '@deeprnn/onnx';
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';

// The exported training step is a plain ONNX model: here onnxruntime-node's InferenceSession runs it
// three times with no deeprnn code in the loop (outputs fed back as inputs, the final state carried),
// and the parameters match three steps of core's float64 reference trainer. The model is d2l's
// character RNN (vocab 28, RNN(28, 256), Linear(256, 28), T 35, B 32, SGD lr 1, clipping to norm 1).
// Tolerance: the backend's (rtol 1e-4, atol 1e-5) times the gradient factor 10, as conformance's trainer check.
const TOL = { rtol: 1e-3, atol: 1e-4 };
const V = 28;
const T = 35;
const B = 32;

it('three steps of the exported d2l training graph on a plain InferenceSession match the float64 reference trainer', async () => {
  const spec = defineSpec({ mode: 'rnn_tanh', inputSize: V, hiddenSize: 256 });
  const rng = new SeededRandom(7);
  const k = 1 / 16;
  const params: TrainerParams = {
    rnn: initParams(spec, { seed: 3, dtype: 'float32' }),
    head: {
      weight: tensor(
        Float32Array.from({ length: V * 256 }, () => rng.uniform(-k, k)),
        [V, 256],
      ),
      bias: tensor(
        Float32Array.from({ length: V }, () => rng.uniform(-k, k)),
        [V],
      ),
    },
  };
  const batches = Array.from({ length: 3 }, () => {
    const x = new Float32Array(T * B * V);
    const targets = new Int32Array(T * B);
    for (let i = 0; i < T * B; i++) {
      x[i * V + Math.floor(rng.nextFloat() * V)] = 1;
      targets[i] = Math.floor(rng.nextFloat() * V);
    }
    return { x, targets };
  });
  const optimizer = { name: 'sgd', lr: 1 } as const;
  const bytes = exportTrainingStep(spec, { T, B, classes: V, optimizer, gradClipNorm: 1 });

  // The plain runtime loop.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const names = trainedParameters(spec, V);
  const source = (n: string): Float32Array =>
    (n === 'head.weight' ? params.head!.weight : n === 'head.bias' ? params.head!.bias : params.rnn[n]!)
      .data as Float32Array;
  let state: Record<string, ort.Tensor> = Object.fromEntries(
    names.map(([n, dims]) => [n, new ort.Tensor('float32', source(n).slice(), dims)]),
  );
  let h0: ort.Tensor = new ort.Tensor('float32', new Float32Array(B * 256), [1, B, 256]);
  let step: ort.Tensor = new ort.Tensor('int64', BigInt64Array.of(0n), []);
  const losses: number[] = [];
  for (const { x, targets } of batches) {
    const out = await session.run({
      ...state,
      step,
      h0,
      input: new ort.Tensor('float32', x, [T, B, V]),
      targets: new ort.Tensor('int32', targets, [T * B]),
    });
    state = Object.fromEntries(names.map(([n]) => [n, out[`new.${n}`]!]));
    step = out['new.step']!;
    h0 = out['hN']!;
    losses.push((out['loss']!.data as Float32Array)[0]!);
  }
  await session.release();

  // The float64 reference trainer, same steps, state carried.
  const reference = createReferenceBackend({ dtype: 'float64' });
  const trainer = await reference.createTrainer!(spec, { params, optimizer, gradClipNorm: 1 });
  const want: number[] = [];
  let carried;
  for (const { x, targets } of batches) {
    const r = await trainer.step({ input: tensor(x, [T, B, V]), targets, ...(carried ? { initial: carried } : {}) });
    want.push(r.loss);
    carried = r.state;
  }
  const wantParams = await trainer.readParams();
  await trainer.dispose();

  expect(step.data[0]).toBe(3n);
  losses.forEach((l, i) =>
    expect(Math.abs(l - want[i]!)).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(want[i]!)),
  );
  for (const [n] of names) {
    const got = state[n]!.data as Float32Array;
    const w = (
      n === 'head.weight' ? wantParams.head!.weight : n === 'head.bias' ? wantParams.head!.bias : wantParams.rnn[n]!
    ).data;
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got[i]! - w[i]!) - TOL.rtol * Math.abs(w[i]!));
    expect(worst, n).toBeLessThanOrEqual(TOL.atol);
  }
  // The run moved the parameters (a graph that returned its inputs would pass the comparison above
  // only if the reference did not move them either).
  const moved = Math.max(
    ...Array.from(wantParams.rnn['weight_hh_l0']!.data, (v, i) => Math.abs(v - params.rnn['weight_hh_l0']!.data[i]!)),
  );
  expect(moved).toBeGreaterThan(1e-3);
}, 120_000);
