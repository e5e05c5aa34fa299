import { describe, expect, it } from 'vitest';
import {
  ParameterError,
  SeededRandom,
  defineSpec,
  initParams,
  paramKey,
  paramLayout,
  parameterCount,
  tensor,
  validateParams,
} from '../src/index.js';
import { caseFiles, loadCase, sharedGolden, sharedMissing, skipShared } from './helpers.js';

describe('paramKey', () => {
  it('spells PyTorch state_dict names', () => {
    expect(paramKey('weight', 'ih', 0, false)).toBe('weight_ih_l0');
    expect(paramKey('bias', 'hh', 2, true)).toBe('bias_hh_l2_reverse');
    expect(paramKey('weight', 'hr', 1, false)).toBe('weight_hr_l1');
  });
});

describe('paramLayout', () => {
  it.skipIf(skipShared)(
    `matches the names, order and shapes of PyTorch state_dicts in the golden data${skipShared ? ` (skipped: ${sharedMissing})` : ''}`,
    () => {
      const files = caseFiles(`${sharedGolden}/pytorch`);
      expect(files.length, sharedMissing ?? 'no case files').toBeGreaterThan(0);
      for (const file of files) {
        const c = loadCase(file);
        const layout = paramLayout(c.spec);
        expect(layout.map((s) => s.name)).toEqual(Object.keys(c.params));
        for (const slot of layout) expect(slot.shape).toEqual(c.params[slot.name]?.shape);
      }
    },
  );

  it('stores tied layers once, under layer 1', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 4, tiedLayers: true });
    expect(paramLayout(spec).map((s) => s.name)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
  });

  it('names peepholes weight_ph with shape [3H]', () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, peepholes: true, bidirectional: true });
    const ph = paramLayout(spec).filter((s) => s.source === 'ph');
    expect(ph.map((s) => [s.name, s.shape])).toEqual([
      ['weight_ph_l0', [12]],
      ['weight_ph_l0_reverse', [12]],
    ]);
  });

  it('counts parameters', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 28, hiddenSize: 256, numLayers: 3 });
    // PyTorch: sum over layers of 3H*(I_l + H) + 2*3H.
    expect(parameterCount(spec)).toBe(3 * 256 * (28 + 256) + 2 * 3 * 256 * (256 + 256) + 3 * 2 * 3 * 256);
  });
});

describe('validateParams', () => {
  const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2 });
  const good = initParams(spec, { seed: 1 });

  it('accepts a matching map', () => {
    expect(() => validateParams(spec, good)).not.toThrow();
  });

  it('names every missing, extra and mis-shaped tensor in one error', () => {
    const { weight_hr_l0: _dropped, ...rest } = good;
    const params = {
      ...rest,
      weight_ih_l0: tensor(new Float32Array(6), [2, 3]),
      weight_zz_l0: tensor(new Float32Array(1), [1]),
    };
    expect(() => validateParams(spec, params)).toThrow(ParameterError);
    expect(() => validateParams(spec, params)).toThrow(
      'weight_ih_l0 has shape [2, 3], expected [16, 3]; missing weight_hr_l0 [2, 4]; unexpected weight_zz_l0',
    );
  });

  it('rejects NaN and infinities unless told not to check', () => {
    const data = Float32Array.from(good.weight_hh_l0!.data);
    data[5] = Number.NaN;
    const params = { ...good, weight_hh_l0: tensor(data, good.weight_hh_l0!.shape) };
    expect(() => validateParams(spec, params)).toThrow('weight_hh_l0[5] is NaN, parameters must be finite');
    expect(() => validateParams(spec, params, { checkFinite: false })).not.toThrow();
  });

  it('rejects something that is not a tensor', () => {
    const params = { ...good, bias_ih_l0: { shape: [16], data: [1, 2] } } as unknown as typeof good;
    expect(() => validateParams(spec, params)).toThrow('bias_ih_l0 is not a tensor');
  });
});

describe('initParams', () => {
  const spec = defineSpec({ mode: 'gru', inputSize: 5, hiddenSize: 16, numLayers: 2, bidirectional: true });

  it('draws uniform(-1/sqrt(H), 1/sqrt(H)) for every parameter', () => {
    const params = initParams(spec, { seed: 3 });
    const k = 1 / Math.sqrt(16);
    for (const t of Object.values(params)) {
      for (const v of t.data) expect(Math.abs(v)).toBeLessThanOrEqual(k);
    }
    const all = Object.values(params).flatMap((t) => [...t.data]);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const variance = all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo((k * 2) ** 2 / 12, 3);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(initParams(spec, { seed: 7 })).toEqual(initParams(spec, { seed: 7 }));
    expect(initParams(spec, { seed: 7 }).weight_ih_l0!.data).not.toEqual(
      initParams(spec, { seed: 8 }).weight_ih_l0!.data,
    );
  });

  it('produces float64 when asked, equal to the float32 draw before rounding', () => {
    const p64 = initParams(spec, { seed: 2, dtype: 'float64' });
    const p32 = initParams(spec, { seed: 2 });
    expect(p64.weight_hh_l1!.dtype).toBe('float64');
    expect(Float32Array.from(p64.weight_hh_l1!.data)).toEqual(p32.weight_hh_l1!.data);
  });
});

describe('SeededRandom', () => {
  it('gives the same sequence on every platform (pinned values)', () => {
    // Integer-only arithmetic: these values must never change, or saved seeds stop reproducing weights.
    const rng = new SeededRandom(42);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual(PINNED_42);
  });

  it('draws floats in [0, 1)', () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 10000; i++) {
      const x = rng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

const PINNED_42 = [2837322924, 544945897, 479756282];
