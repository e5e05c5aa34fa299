import { describe, expect, it } from 'vitest';
import {
  BackendDisposedError,
  ParameterError,
  ShapeError,
  type Tensor,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
  zeros,
} from '../src/index.js';
import { randomTensor } from './helpers.js';

const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
const params = initParams(spec, { seed: 5 });
const x = randomTensor([5, 2, 3], 1);

/** A tensor object built by hand, skipping tensor()'s check, as a JavaScript caller may. */
function handBuilt(data: Float32Array | Float64Array, shape: number[]): Tensor {
  return { dtype: data instanceof Float64Array ? 'float64' : 'float32', shape, data } as Tensor;
}

describe('forward validates its arguments before any work', () => {
  const bad: [string, () => Parameters<import('../src/index.js').RnnModel['forward']>, RegExp][] = [
    [
      'rank 4 input',
      () => [zeros([1, 5, 2, 3])],
      /input must be \[T, B, I\] or unbatched \[T, I\], got rank 4 \[1, 5, 2, 3\]/,
    ],
    ['rank 1 input', () => [zeros([3])], /got rank 1/],
    ['wrong feature count', () => [zeros([5, 2, 4])], /input has 4 features, config.inputSize is 3/],
    ['zero time steps', () => [zeros([0, 2, 3])], /at least one time step/],
    ['zero batch', () => [zeros([5, 0, 3])], /at least one batch row/],
    [
      'h0 wrong shape',
      () => [x, { h: zeros([4, 1, 4]), c: zeros([4, 2, 4]) }],
      /h0 must be \[4, 2, 4\], got \[4, 1, 4\]/,
    ],
    [
      'c0 wrong shape',
      () => [x, { h: zeros([4, 2, 4]), c: zeros([2, 2, 4]) }],
      /c0 must be \[4, 2, 4\], got \[2, 2, 4\]/,
    ],
    [
      'lengths too long',
      () => [x, undefined, { lengths: [5, 6] }],
      /lengths\[1\] must be an integer in \[0, 5\], got 6/,
    ],
    [
      'negative length',
      () => [x, undefined, { lengths: [-1, 2] }],
      /lengths\[0\] must be an integer in \[0, 5\], got -1/,
    ],
    ['fractional length', () => [x, undefined, { lengths: [1.5, 2] }], /got 1.5/],
    ['lengths count', () => [x, undefined, { lengths: [5] }], /one entry per batch row \(2\), got 1/],
    [
      'NaN input with checkFinite',
      () => [tensor(new Float32Array(30).fill(Number.NaN), [5, 2, 3]), undefined, { checkFinite: true }],
      /input\[0\] is NaN, expected finite values/,
    ],
    // Hand-built tensors (no tensor() call): data shorter or longer than the shape says.
    [
      'input data shorter than its shape',
      () => [handBuilt(new Float32Array(29), [5, 2, 3])],
      /input of shape \[5, 2, 3\] needs 30 elements, its data has 29/,
    ],
    [
      'input data longer than its shape',
      () => [handBuilt(new Float64Array(31), [5, 2, 3])],
      /needs 30 elements, its data has 31/,
    ],
    [
      'h0 data shorter than its shape',
      () => [x, { h: handBuilt(new Float32Array(31), [4, 2, 4]) }],
      /h0 of shape \[4, 2, 4\] needs 32 elements, its data has 31/,
    ],
    [
      'c0 data shorter than its shape',
      () => [x, { h: zeros([4, 2, 4]), c: handBuilt(new Float32Array(1), [4, 2, 4]) }],
      /c0 of shape \[4, 2, 4\] needs 32 elements, its data has 1/,
    ],
    [
      'input data as a plain array',
      () => [{ dtype: 'float32', shape: [5, 2, 3], data: new Array(30).fill(0) } as unknown as Tensor],
      /input.data must be a Float32Array or Float64Array, got Array/,
    ],
    [
      'a fractional shape',
      () => [handBuilt(new Float32Array(30), [5, 2, 3.0000001])],
      /input shape must be non-negative integers/,
    ],
    [
      'lengths that are not an array',
      () => [x, undefined, { lengths: 5 as unknown as number[] }],
      /lengths must be an array of 2 integers, got number/,
    ],
    [
      'Infinity in h0 with checkFinite',
      () => [x, { h: tensor(new Float64Array(32).fill(Infinity), [4, 2, 4]) }, { checkFinite: true }],
      /h0\[0\] is Infinity/,
    ],
  ];
  it.each(bad)('%s raises ShapeError', async (_what, args, message) => {
    const model = await createReferenceBackend().createModel(spec, params);
    await expect(model.forward(...args())).rejects.toThrow(ShapeError);
    await expect(model.forward(...args())).rejects.toThrow(message);
  });

  it('c0 on a non-LSTM model is rejected', async () => {
    const gru = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4 });
    const model = await createReferenceBackend().createModel(gru, initParams(gru));
    await expect(model.forward(x, { h: zeros([1, 2, 4]), c: zeros([1, 2, 4]) })).rejects.toThrow(/c0 is only for lstm/);
  });

  it('a failed call leaves the model working and unchanged', async () => {
    const model = await createReferenceBackend().createModel(spec, params);
    const before = await model.forward(x);
    await expect(model.forward(zeros([5, 2, 7]))).rejects.toThrow(ShapeError);
    const after = await model.forward(x);
    expect(after.output.data).toEqual(before.output.data);
    expect(after.state.h.data).toEqual(before.state.h.data);
  });
});

describe('createModel validates parameters', () => {
  it('rejects a mismatched map with ParameterError and no model', async () => {
    const other = initParams(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4 }));
    await expect(createReferenceBackend().createModel(spec, other)).rejects.toThrow(ParameterError);
  });

  it('does not keep a reference to the caller-owned parameter buffers', async () => {
    const own = initParams(spec, { seed: 9 });
    const model = await createReferenceBackend().createModel(spec, own);
    const before = await model.forward(x);
    (own.weight_hh_l0!.data as Float32Array).fill(0);
    expect((await model.forward(x)).output.data).toEqual(before.output.data);
  });
});

describe('dispose', () => {
  it('is safe twice and later use raises BackendDisposedError', async () => {
    const backend = createReferenceBackend();
    const model = await backend.createModel(spec, params);
    await model.dispose();
    await model.dispose();
    await expect(model.forward(x)).rejects.toThrow(BackendDisposedError);
    await backend.dispose();
    await backend.dispose();
    await expect(backend.createModel(spec, params)).rejects.toThrow(BackendDisposedError);
  });

  it('works with await using', async () => {
    let model: import('../src/index.js').RnnModel | undefined;
    {
      await using m = await createReferenceBackend().createModel(spec, params);
      model = m;
      await m.forward(x);
    }
    await expect(model.forward(x)).rejects.toThrow(BackendDisposedError);
  });
});
