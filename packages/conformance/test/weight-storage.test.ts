import fc from 'fast-check';
import { type Backend, createReferenceBackend, roundToFloat16 } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { buildContext, callArbitrary, materialize } from '../src/index.js';

const CONFIG = { mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2, peepholes: true } as const;

describe('cases for a backend that stores weights in float16', () => {
  it('draw parameters already rounded to float16, at every scale', () => {
    const recipes = fc.sample(callArbitrary(CONFIG, { dtype: 'float32', weightStorage: 'float16' }), {
      numRuns: 60,
      seed: 5,
    });
    expect(new Set(recipes.map((r) => r.paramScale)).size).toBe(3);
    for (const recipe of recipes) {
      expect(recipe.weightStorage).toBe('float16');
      for (const t of Object.values(materialize(recipe).params)) {
        for (const v of t.data) expect(roundToFloat16(v)).toBe(v);
      }
    }
  });

  it('leave parameters unrounded for a bare dtype (the recipe carries no weightStorage)', () => {
    const recipe = fc.sample(callArbitrary(CONFIG, 'float32'), { numRuns: 1, seed: 5 })[0]!;
    expect('weightStorage' in recipe).toBe(false);
    const values = Object.values(materialize(recipe).params).flatMap((t) => Array.from(t.data));
    expect(values.some((v) => roundToFloat16(v) !== v)).toBe(true);
  });

  it("take the storage from the backend's capabilities", async () => {
    const plain = createReferenceBackend({ dtype: 'float32' });
    const half: Backend = Object.create(plain, {
      capabilities: { value: { ...plain.capabilities, weightStorage: 'float16' } },
    }) as Backend;
    expect((await buildContext(plain)).draw).toEqual({ dtype: 'float32' });
    expect((await buildContext(half)).draw).toEqual({ dtype: 'float32', weightStorage: 'float16' });
  });
});
