import { describe, expect, it } from 'vitest';
import { ParameterError, roundParamsToFloat16, roundToFloat16, tensor } from '../src/index.js';

describe('roundToFloat16', () => {
  it('rounds to the nearest half, ties to even', () => {
    expect(roundToFloat16(1)).toBe(1);
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even gives 1.
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1);
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 * 2 ** -10);
    expect(roundToFloat16(0.1)).toBe(0.0999755859375);
    expect(roundToFloat16(2 ** -25)).toBe(0);
  });
});

describe('roundParamsToFloat16', () => {
  const params = (v: number) => ({ weight_ih_l0: tensor(Float32Array.of(0.1, v), [2, 1]) });

  it('keeps the largest half and what rounds to it (below the boundary)', () => {
    expect(Array.from(roundParamsToFloat16(params(65504), 't').weight_ih_l0!.data)).toEqual([0.0999755859375, 65504]);
    expect(roundParamsToFloat16(params(65519), 't').weight_ih_l0!.data[1]).toBe(65504);
    expect(roundParamsToFloat16(params(-65519), 't').weight_ih_l0!.data[1]).toBe(-65504);
  });

  it('refuses a finite value that would become infinity, at and above the boundary, naming tensor and element', () => {
    for (const v of [65520, -65520, 1e6]) {
      expect(() => roundParamsToFloat16(params(v), 'webgpu backend')).toThrow(ParameterError);
      expect(() => roundParamsToFloat16(params(v), 'webgpu backend')).toThrow(
        /webgpu backend: parameter 'weight_ih_l0' element 1 is .* beyond float16's finite range/,
      );
    }
  });

  it('keeps NaN and infinities as they are', () => {
    const out = roundParamsToFloat16(params(Infinity), 't').weight_ih_l0!.data;
    expect(out[1]).toBe(Infinity);
    expect(roundParamsToFloat16(params(NaN), 't').weight_ih_l0!.data[1]).toBeNaN();
  });

  it('does not change its input', () => {
    const p = params(0.1);
    roundParamsToFloat16(p, 't');
    expect(p.weight_ih_l0!.data[0]).toBe(Math.fround(0.1));
  });
});
