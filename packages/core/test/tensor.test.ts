import { describe, expect, it } from 'vitest';
import { ShapeError, fromArray, sizeOf, tensor, toDType, zeros } from '../src/index.js';

describe('tensor', () => {
  it('wraps data without copying and freezes the shape', () => {
    const data = new Float32Array(6);
    const t = tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.dtype).toBe('float32');
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(tensor(new Float64Array(1), []).dtype).toBe('float64');
  });

  it('rejects shapes that do not match the data', () => {
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow('shape [2, 3] holds 6 elements, data has 5');
    expect(() => tensor(new Float32Array(0), [-1])).toThrow('shape must be non-negative integers, got [-1]');
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });

  it('converts between dtypes', () => {
    const t = fromArray([0.1, 2], [2], 'float64');
    const f = toDType(t, 'float32');
    expect(f.dtype).toBe('float32');
    expect(f.data[0]).toBe(Math.fround(0.1));
    expect(toDType(f, 'float32')).toBe(f);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
  });
});
