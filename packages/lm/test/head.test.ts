import { type Tensor, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, headForwardBackward, initialOptimizerState, optimizerStep } from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe('linear head + cross-entropy', () => {
  const N = 5, F = 4, V = 3;
  const Y = tensor(rand(N * F, 1), [N, F]);
  const W = tensor(rand(V * F, 2), [V, F]) as Tensor<'float32'>;
  const b = tensor(rand(V, 3), [V]) as Tensor<'float32'>;
  const targets = Int32Array.from([0, 2, 1, 1, 0]);

  it('gives ln V for zero weights', () => {
    const r = headForwardBackward(Y, tensor(new Float32Array(V * F), [V, F]) as Tensor<'float32'>, tensor(new Float32Array(V), [V]) as Tensor<'float32'>, targets);
    expect(r.loss).toBeCloseTo(Math.log(V), 6);
  });

  it('agrees with finite differences for W, b and Y', () => {
    const r = headForwardBackward(Y, W, b, targets);
    const eps = 1e-3;
    const check = (which: 'W' | 'b' | 'Y', grad: Float32Array): void => {
      const src = which === 'W' ? W : which === 'b' ? b : Y;
      for (let i = 0; i < src.data.length; i++) {
        const at = (d: number): number => {
          const data = Float32Array.from(src.data);
          data[i] = data[i]! + d;
          const t = tensor(data, src.shape) as Tensor<'float32'>;
          return headForwardBackward(which === 'Y' ? t : Y, which === 'W' ? t : W, which === 'b' ? t : b, targets).loss;
        };
        expect(grad[i]!).toBeCloseTo((at(eps) - at(-eps)) / (2 * eps), 3);
      }
    };
    check('W', r.dW);
    check('b', r.db);
    check('Y', r.dY);
  });
});

describe('optimizers', () => {
  it('clips the global norm to theta', () => {
    const g = { a: Float32Array.from([3, 0]), b: Float32Array.from([4]) };
    expect(clipGradNorm(g, 1)).toBeCloseTo(5);
    expect([...g.a, ...g.b].map((x) => Number(x.toFixed(5)))).toEqual([0.6, 0, 0.8]);
  });

  it('SGD: p - lr g; Adam: first step moves each weight by lr', () => {
    const params = { w: tensor(Float32Array.from([1, -1]), [2]) as Tensor<'float32'> };
    const grads = { w: Float32Array.from([0.5, -2]) };
    const sgd = optimizerStep({ name: 'sgd', lr: 0.1 }, params, grads, initialOptimizerState());
    expect([...sgd.params.w!.data]).toEqual([Math.fround(0.95), Math.fround(-0.8)]);
    const adam = optimizerStep({ name: 'adam', lr: 0.01 }, params, grads, initialOptimizerState());
    expect(adam.params.w!.data[0]).toBeCloseTo(0.99, 5);
    expect(adam.params.w!.data[1]).toBeCloseTo(-0.99, 5);
    expect(adam.state.step).toBe(1);
    expect(params.w.data[0]).toBe(1);
  });
});
