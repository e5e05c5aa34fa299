import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RnnConfig,
  type RnnMode,
  type RnnParams,
  type Tensor,
  createReferenceBackend,
  defineSpec,
  initParams,
  paramKey,
  tensor,
} from '../src/index.js';
import { maxAbsDiff, randomTensor } from './helpers.js';

const oracle = createReferenceBackend({ dtype: 'float64' });
const modes: RnnMode[] = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];
const runs = { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20261127) };

/** Rows [t0, t1) along the time axis of a time-major [T, B, F] tensor. */
function timeSlice(x: Tensor, t0: number, t1: number): Tensor {
  const stride = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return tensor(x.data.slice(t0 * stride, t1 * stride) as Float64Array, [t1 - t0, ...x.shape.slice(1)]);
}

const configArb = fc.record({
  mode: fc.constantFrom(...modes),
  inputSize: fc.integer({ min: 1, max: 4 }),
  hiddenSize: fc.integer({ min: 1, max: 5 }),
  numLayers: fc.integer({ min: 1, max: 3 }),
  bias: fc.boolean(),
});

describe('streaming', () => {
  it('forward on consecutive chunks, passing the state on, equals one call (float64 and float32)', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        fc.constantFrom('float32', 'float64'),
        async (config, T, B, seed, dtype) => {
          const spec = defineSpec(config);
          const model = await createReferenceBackend({ dtype }).createModel(spec, initParams(spec, { seed }));
          const x = randomTensor([T, B, spec.inputSize], seed + 1);
          const whole = await model.forward(x);
          const cut = 1 + (seed % (T - 1));
          const first = await model.forward(timeSlice(x, 0, cut));
          const second = await model.forward(timeSlice(x, cut, T), first.state);
          const joined = [...first.output.data, ...second.output.data];
          const tol = dtype === 'float64' ? 1e-12 : 1e-6;
          expect(maxAbsDiff(joined, whole.output.data)).toBeLessThanOrEqual(tol);
          expect(maxAbsDiff(second.state.h.data, whole.state.h.data)).toBeLessThanOrEqual(tol);
          if (spec.mode === 'lstm')
            expect(maxAbsDiff(second.state.c!.data, whole.state.c!.data)).toBeLessThanOrEqual(tol);
        },
      ),
      runs,
    );
  });
});

describe('layouts', () => {
  it('unbatched [T, I] equals batched [T, 1, I] with the batch axis dropped', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        async (config, bidirectional, batchFirst, seed) => {
          const spec = defineSpec({ ...config, bidirectional, batchFirst });
          const model = await oracle.createModel(spec, initParams(spec, { seed, dtype: 'float64' }));
          const x = randomTensor([4, spec.inputSize], seed);
          const unbatched = await model.forward(x);
          const batchedInput = tensor(
            x.data as Float64Array,
            batchFirst ? [1, 4, spec.inputSize] : [4, 1, spec.inputSize],
          );
          const batched = await model.forward(batchedInput);
          expect(unbatched.output.shape).toEqual([4, batched.output.shape[2]]);
          expect(unbatched.state.h.shape).toEqual([batched.state.h.shape[0], batched.state.h.shape[2]]);
          expect(unbatched.output.data).toEqual(batched.output.data);
          expect(unbatched.state.h.data).toEqual(batched.state.h.data);
        },
      ),
      runs,
    );
  });

  it('batchFirst [B, T, I] equals time-major on the transposed input; states are unaffected', async () => {
    const config: RnnConfig = { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true };
    const tm = defineSpec(config);
    const bf = defineSpec({ ...config, batchFirst: true });
    const params = initParams(tm, { seed: 4, dtype: 'float64' });
    const x = randomTensor([5, 2, 3], 8);
    const xt = new Float64Array(30);
    for (let t = 0; t < 5; t++)
      for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) xt[(b * 5 + t) * 3 + i] = x.data[(t * 2 + b) * 3 + i]!;
    const a = await (await oracle.createModel(tm, params)).forward(x);
    const b = await (await oracle.createModel(bf, params)).forward(tensor(xt, [2, 5, 3]));
    expect(b.output.shape).toEqual([2, 5, 8]);
    for (let t = 0; t < 5; t++) {
      for (let r = 0; r < 2; r++) {
        for (let f = 0; f < 8; f++) expect(b.output.data[(r * 5 + t) * 8 + f]).toBe(a.output.data[(t * 2 + r) * 8 + f]);
      }
    }
    expect(b.state.h.data).toEqual(a.state.h.data);
  });
});

describe('variable lengths', () => {
  it('a length-L row equals the same row run alone with T = L; outputs past L are zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        async (config, bidirectional, lengths, seed) => {
          const spec = defineSpec({ ...config, bidirectional });
          const model = await oracle.createModel(spec, initParams(spec, { seed, dtype: 'float64' }));
          const T = 5;
          const B = lengths.length;
          const x = randomTensor([T, B, spec.inputSize], seed + 3);
          const rows = spec.numLayers * (bidirectional ? 2 : 1);
          const Hout = spec.hiddenSize;
          const h0 = randomTensor([rows, B, Hout], seed + 4);
          const c0 = randomTensor([rows, B, spec.hiddenSize], seed + 5);
          const initial = spec.mode === 'lstm' ? { h: h0, c: c0 } : { h: h0 };
          const got = await model.forward(x, initial, { lengths });
          const F = got.output.shape[2]!;
          for (let b = 0; b < B; b++) {
            const L = lengths[b]!;
            const pick = (t: Tensor, rowsOf: number, width: number): number[] => {
              const out: number[] = [];
              for (let r = 0; r < rowsOf; r++) out.push(...t.data.slice((r * B + b) * width, (r * B + b + 1) * width));
              return out;
            };
            for (let t = L; t < T; t++)
              expect([...got.output.data.slice((t * B + b) * F, (t * B + b + 1) * F)].every((v) => v === 0)).toBe(true);
            if (L === 0) {
              expect(pick(got.state.h, rows, Hout)).toEqual(pick(h0, rows, Hout));
              continue;
            }
            const alone = tensor(new Float64Array(pick(timeSlice(x, 0, L), L, spec.inputSize)), [L, 1, spec.inputSize]);
            const aloneInit =
              spec.mode === 'lstm'
                ? {
                    h: tensor(new Float64Array(pick(h0, rows, Hout)), [rows, 1, Hout]),
                    c: tensor(new Float64Array(pick(c0, rows, spec.hiddenSize)), [rows, 1, spec.hiddenSize]),
                  }
                : { h: tensor(new Float64Array(pick(h0, rows, Hout)), [rows, 1, Hout]) };
            const want = await model.forward(alone, aloneInit);
            expect(maxAbsDiff(pick(timeSlice(got.output, 0, L), L, F), want.output.data)).toBeLessThanOrEqual(1e-12);
            expect(maxAbsDiff(pick(got.state.h, rows, Hout), want.state.h.data)).toBeLessThanOrEqual(1e-12);
            if (spec.mode === 'lstm')
              expect(maxAbsDiff(pick(got.state.c!, rows, spec.hiddenSize), want.state.c!.data)).toBeLessThanOrEqual(
                1e-12,
              );
          }
        },
      ),
      runs,
    );
  });
});

describe('tied layers', () => {
  it('equal an untied stack whose upper layers all hold copies of layer 1', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb.filter((c) => c.numLayers >= 2),
        fc.boolean(),
        fc.nat(),
        async (config, bidirectional, seed) => {
          const numLayers = config.numLayers + 1;
          const tied = defineSpec({ ...config, numLayers, bidirectional, tiedLayers: true });
          const untied = defineSpec({ ...config, numLayers, bidirectional });
          const tiedParams = initParams(tied, { seed, dtype: 'float64' });
          const copied: Record<string, Tensor> = {};
          for (const [name, t] of Object.entries(tiedParams)) {
            copied[name] = t;
            if (name.includes('_l1')) for (let l = 2; l < numLayers; l++) copied[name.replace('_l1', `_l${l}`)] = t;
          }
          const x = randomTensor([4, 2, config.inputSize], seed);
          const a = await (await oracle.createModel(tied, tiedParams)).forward(x);
          const b = await (await oracle.createModel(untied, copied as RnnParams)).forward(x);
          expect(a.output.data).toEqual(b.output.data);
          expect(a.state.h.data).toEqual(b.state.h.data);
        },
      ),
      { ...runs, numRuns: 10 },
    );
  });
});

describe('bidirectional', () => {
  it('is a forward pass concatenated with a pass over the reversed sequence using the _reverse weights', async () => {
    for (const mode of modes) {
      const spec = defineSpec({ mode, inputSize: 3, hiddenSize: 4, bidirectional: true });
      const uni = defineSpec({ mode, inputSize: 3, hiddenSize: 4 });
      const params = initParams(spec, { seed: 11, dtype: 'float64' });
      const reverseParams: Record<string, Tensor> = {};
      const forwardParams: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(params)) {
        if (name.endsWith('_reverse')) reverseParams[name.replace('_reverse', '')] = t;
        else forwardParams[name] = t;
      }
      const T = 6,
        B = 2;
      const x = randomTensor([T, B, 3], 2);
      const xr = new Float64Array(x.data.length);
      for (let t = 0; t < T; t++) xr.set(x.data.slice((T - 1 - t) * B * 3, (T - t) * B * 3), t * B * 3);
      const both = await (await oracle.createModel(spec, params)).forward(x);
      const fwd = await (await oracle.createModel(uni, forwardParams)).forward(x);
      const rev = await (await oracle.createModel(uni, reverseParams)).forward(tensor(xr, [T, B, 3]));
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const row = [...both.output.data.slice((t * B + b) * 8, (t * B + b + 1) * 8)];
          expect(row.slice(0, 4)).toEqual([...fwd.output.data.slice((t * B + b) * 4, (t * B + b + 1) * 4)]);
          expect(row.slice(4)).toEqual([
            ...rev.output.data.slice(((T - 1 - t) * B + b) * 4, ((T - 1 - t) * B + b + 1) * 4),
          ]);
        }
      }
      expect([...both.state.h.data]).toEqual([...fwd.state.h.data, ...rev.state.h.data]);
    }
    expect(paramKey('weight', 'ih', 0, true)).toBe('weight_ih_l0_reverse');
  });
});

describe('precision', () => {
  it('float32 agrees with float64 within float32 rounding on saturated weights', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 4, hiddenSize: 8, numLayers: 3 });
    const p64 = initParams(spec, { seed: 1, dtype: 'float64' });
    const scaled: Record<string, Tensor> = {};
    for (const [n, t] of Object.entries(p64))
      scaled[n] = tensor(Float64Array.from(Float32Array.from(t.data.map((v) => v * 3))), t.shape);
    const x = randomTensor([10, 3, 4], 3, 2);
    const a = await (await oracle.createModel(spec, scaled)).forward(x);
    const b = await (await createReferenceBackend({ dtype: 'float32' }).createModel(spec, scaled)).forward(x);
    expect(b.output.dtype).toBe('float32');
    expect(a.output.dtype).toBe('float64');
    expect(maxAbsDiff(a.output.data, b.output.data)).toBeLessThan(5e-6);
    expect(maxAbsDiff(a.output.data, b.output.data)).toBeGreaterThan(0);
  });
});
