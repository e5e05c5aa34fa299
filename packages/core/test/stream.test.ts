import { describe, expect, it } from 'vitest';
import {
  BackendDisposedError,
  type RnnConfig,
  type RnnModel,
  type RnnState,
  ShapeError,
  type Tensor,
  UnsupportedError,
  createReferenceBackend,
  defineSpec,
  forwardStream,
  initParams,
  swapLeadingAxes,
  tensor,
} from '../src/index.js';
import { randomTensor } from './helpers.js';

const backend = createReferenceBackend({ dtype: 'float64' });

function expectClose(got: Tensor | undefined, want: Tensor | undefined, tol = 1e-12): void {
  expect(got?.shape).toEqual(want?.shape);
  if (!got || !want) return;
  for (let i = 0; i < want.data.length; i++)
    expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(tol + tol * Math.abs(want.data[i]!));
}

async function modelOf(config: RnnConfig, seed = 3): Promise<RnnModel> {
  const spec = defineSpec(config);
  return backend.createModel(spec, initParams(spec, { seed, dtype: 'float64' }));
}

/** Steps [from, to) of a time-major [T, B, I] tensor. */
function steps(x: Tensor, from: number, to: number): Tensor {
  const per = (x.shape[1] as number) * (x.shape[2] as number);
  return tensor(x.data.slice(from * per, to * per) as Float64Array, [to - from, x.shape[1]!, x.shape[2]!]);
}

function concatSteps(parts: Tensor[]): Tensor {
  const data = new Float64Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  let T = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
    T += p.shape[0]!;
  }
  return tensor(data, [T, parts[0]!.shape[1]!, parts[0]!.shape[2]!]);
}

const CONFIGS: [string, RnnConfig][] = [
  ['rnn_tanh', { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 }],
  ['gru', { mode: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 3 }],
  ['lstm + projection', { mode: 'lstm', inputSize: 2, hiddenSize: 5, numLayers: 2, projSize: 3 }],
  ['gru batchFirst', { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true }],
];

describe('RnnModel.stream (reference)', () => {
  for (const [name, config] of CONFIGS) {
    for (const make of ['reference', 'forwardStream'] as const) {
      it(`${name}: chunks 2+1+3+1 through ${make} equal one forward`, async () => {
        await using model = await modelOf(config);
        const T = 7;
        const B = 2;
        const x = randomTensor([T, B, model.spec.inputSize], 11);
        const initial: RnnState = {
          h: randomTensor([model.spec.numLayers, B, model.spec.projSize || model.spec.hiddenSize], 5, 0.5),
        };
        const init =
          model.spec.mode === 'lstm'
            ? { ...initial, c: randomTensor([model.spec.numLayers, B, model.spec.hiddenSize], 6, 0.5) }
            : initial;
        const userX = model.spec.batchFirst
          ? tensor(swapLeadingAxes(x.data as Float64Array, T, B, x.shape[2]!), [B, T, x.shape[2]!])
          : x;
        const whole = await model.forward(userX, init);
        await using stream =
          make === 'reference' ? await model.stream({ initial: init }) : await forwardStream(model, { initial: init });
        const outs: Tensor[] = [];
        for (const [a, b] of [
          [0, 2],
          [2, 3],
          [3, 6],
          [6, 7],
        ] as const)
          outs.push(await stream.step(steps(x, a, b)));
        const F = whole.output.shape[2]!;
        const wantOut = model.spec.batchFirst
          ? tensor(swapLeadingAxes(whole.output.data as Float64Array, B, T, F), [T, B, F])
          : whole.output;
        expectClose(concatSteps(outs), wantOut);
        const state = await stream.readState();
        expectClose(state.h, whole.state.h);
        expectClose(state.c, whole.state.c);
      });
    }
  }

  it('one step [B, I] gives [B, Hout]; a fresh stream starts from zeros', async () => {
    await using model = await modelOf({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 });
    await using stream = await model.stream({ batchSize: 3 });
    expect(stream.batchSize).toBe(3);
    const x = randomTensor([3, 3], 2);
    const y = await stream.step(x);
    expect(y.shape).toEqual([3, 4]);
    const want = await model.forward(tensor(x.data as Float64Array, [1, 3, 3]));
    expectClose(y, tensor(want.output.data as Float64Array, [3, 4]));
  });

  it('per-row lengths freeze a row as forward does; a reset mask restarts rows from the start state', async () => {
    await using model = await modelOf({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const x = randomTensor([4, 3, 2], 9);
    const whole = await model.forward(x, undefined, { lengths: [4, 0, 2] });
    await using stream = await model.stream({ batchSize: 3 });
    const out = await stream.step(x, { lengths: [4, 0, 2] });
    expectClose(out, whole.output);
    expectClose((await stream.readState()).h, whole.state.h);
    // Row 1 restarts: its outputs equal a fresh stream's, the others go on.
    const next = randomTensor([2, 3, 2], 10);
    const y = await stream.step(next, { reset: [0, 1, 0] });
    await using fresh = await model.stream({ batchSize: 3 });
    const yFresh = await fresh.step(next);
    for (let t = 0; t < 2; t++) {
      for (let j = 0; j < 3; j++)
        expect(y.data[(t * 3 + 1) * 3 + j]).toBeCloseTo(yFresh.data[(t * 3 + 1) * 3 + j]!, 12);
    }
    const goOn = await model.forward(next, whole.state);
    expect(y.data[0]).toBeCloseTo(goOn.output.data[0]!, 12);
  });

  it('reset() equals a fresh stream, and reset(initial) starts there', async () => {
    await using model = await modelOf({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 1 });
    await using stream = await model.stream();
    const x = randomTensor([3, 1, 2], 4);
    const first = await stream.step(x);
    await stream.step(x);
    await stream.reset();
    expectClose(await stream.step(x), first);
    const h = randomTensor([1, 1, 3], 8);
    await stream.reset({ h });
    const s = await stream.readState();
    expectClose(s.h, h);
    expect(Array.from(s.c!.data)).toEqual([0, 0, 0]);
  });

  it('calls queue in call order: steps issued without awaiting equal awaited ones', async () => {
    await using model = await modelOf({ mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const a = randomTensor([1, 2], 1);
    const b = randomTensor([1, 2], 2);
    await using s1 = await model.stream();
    const [, y1, st1] = await Promise.all([s1.step(a), s1.step(b), s1.readState()]);
    await using s2 = await model.stream();
    await s2.step(a);
    expectClose(y1, await s2.step(b));
    expectClose(st1.h, (await s2.readState()).h);
  });

  it('refuses a bidirectional spec with UnsupportedError saying why', async () => {
    await using model = await modelOf({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: true });
    await expect(model.stream()).rejects.toThrow(UnsupportedError);
    await expect(model.stream()).rejects.toThrow(/reverse direction/);
    await expect(forwardStream(model)).rejects.toThrow(UnsupportedError);
  });

  it('bad shapes are ShapeErrors that leave the state as it was', async () => {
    await using model = await modelOf({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1 });
    await using stream = await model.stream({ batchSize: 2 });
    await stream.step(randomTensor([2, 2], 1));
    const before = await stream.readState();
    const cases: [Tensor, object, RegExp][] = [
      [randomTensor([3, 2], 1), {}, /3 rows, the stream was opened with batchSize 2/],
      [randomTensor([2, 5], 1), {}, /5 features, config.inputSize is 2/],
      [randomTensor([1, 1, 2, 2], 1), {}, /\[B, I\] or \[k, B, I\]/],
      [randomTensor([0, 2, 2], 1), {}, /at least one step/],
      [randomTensor([2, 2, 2], 1), { lengths: [1, 3] }, /lengths\[1\] must be an integer in \[0, 2\]/],
      [randomTensor([2, 2, 2], 1), { reset: [1] }, /one entry per row \(2\)/],
    ];
    for (const [x, options, message] of cases) {
      await expect(stream.step(x, options)).rejects.toThrow(ShapeError);
      await expect(stream.step(x, options)).rejects.toThrow(message);
    }
    await expect(stream.reset({ h: randomTensor([1, 1, 3], 1) })).rejects.toThrow(/h must be \[1, 2, 3\]/);
    await expect(model.stream({ batchSize: 0 })).rejects.toThrow(ShapeError);
    await expect(model.stream({ batchSize: 2, initial: { h: randomTensor([1, 3, 3], 1) } })).rejects.toThrow(
      ShapeError,
    );
    expectClose((await stream.readState()).h, before.h, 0);
  });

  it('use after dispose and under a disposed model throw BackendDisposedError; dispose twice is fine', async () => {
    const model = await modelOf({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numLayers: 1 });
    const stream = await model.stream();
    const x = randomTensor([1, 2], 1);
    const pending = stream.step(x);
    await stream.dispose();
    await stream.dispose();
    expect((await pending).shape).toEqual([1, 3]); // accepted before dispose: it still runs
    await expect(stream.step(x)).rejects.toThrow(BackendDisposedError);
    await expect(stream.readState()).rejects.toThrow(/stream was disposed/);
    const other = await model.stream();
    const viaForward = await forwardStream(model);
    await model.dispose();
    await expect(other.step(x)).rejects.toThrow(/model was disposed/);
    await expect(other.reset()).rejects.toThrow(BackendDisposedError);
    await expect(viaForward.step(x)).rejects.toThrow(/model was disposed/);
    await expect(viaForward.readState()).rejects.toThrow(BackendDisposedError);
    await expect(model.stream()).rejects.toThrow(BackendDisposedError);
    await other.dispose();
  });
});
