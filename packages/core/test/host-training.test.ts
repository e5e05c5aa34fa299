import { describe, expect, it } from 'vitest';
import { clipGlobalNorm, softmaxHeadGradients, updateParameter } from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe('linear head + cross-entropy', () => {
  const N = 5,
    F = 4,
    V = 3;
  const Y = rand(N * F, 1);
  const W = rand(V * F, 2);
  const b = rand(V, 3);
  const targets = Int32Array.from([0, 2, 1, 1, 0]);

  it('gives ln V for zero weights', () => {
    const r = softmaxHeadGradients(Y, new Float32Array(V * F), new Float32Array(V), targets);
    expect(r.loss).toBeCloseTo(Math.log(V), 6);
  });

  it('agrees with finite differences for W, b and Y', () => {
    const r = softmaxHeadGradients(Y, W, b, targets);
    const eps = 1e-3;
    const check = (which: 'W' | 'b' | 'Y', grad: ArrayLike<number>): void => {
      const src = which === 'W' ? W : which === 'b' ? b : Y;
      for (let i = 0; i < src.length; i++) {
        const at = (d: number): number => {
          const t = Float32Array.from(src);
          t[i] = t[i]! + d;
          return softmaxHeadGradients(which === 'Y' ? t : Y, which === 'W' ? t : W, which === 'b' ? t : b, targets)
            .loss;
        };
        expect(grad[i]!).toBeCloseTo((at(eps) - at(-eps)) / (2 * eps), 3);
      }
    };
    check('W', r.dW);
    check('b', r.db);
    check('Y', r.dY);
  });
});

describe('host clipping and optimizers (the definition trainers are judged against)', () => {
  it('clips the global norm to theta, and not at all with null', () => {
    const g = [Float32Array.from([3, 0]), Float32Array.from([4])];
    expect(clipGlobalNorm(g, 1)).toBeCloseTo(5);
    expect([...g[0]!, ...g[1]!].map((x) => Number(x.toFixed(5)))).toEqual([0.6, 0, 0.8]);
    const h = [Float64Array.from([3, 4])];
    expect(clipGlobalNorm(h, null)).toBe(5);
    expect([...h[0]!]).toEqual([3, 4]);
  });

  it('SGD: p - lr g; Adam: the first step moves each weight by lr, the moments follow torch.optim.Adam', () => {
    const sgd = Float32Array.from([1, -1]);
    updateParameter({ name: 'sgd', lr: 0.1 }, 1, sgd, Float32Array.from([0.5, -2]), null);
    expect([...sgd]).toEqual([Math.fround(0.95), Math.fround(-0.8)]);
    const adam = Float64Array.from([1, -1]);
    const moments = { m: new Float64Array(2), v: new Float64Array(2) };
    updateParameter({ name: 'adam', lr: 0.01 }, 1, adam, Float64Array.from([0.5, -2]), moments);
    expect(adam[0]).toBeCloseTo(0.99, 8);
    expect(adam[1]).toBeCloseTo(-0.99, 8);
    expect(moments.m[0]).toBeCloseTo(0.1 * 0.5, 12);
    expect(moments.m[1]).toBeCloseTo(0.1 * -2, 12);
    expect(moments.v[1]).toBeCloseTo(0.001 * 4, 12);
  });
});
