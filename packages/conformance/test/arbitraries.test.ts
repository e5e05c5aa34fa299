import fc from 'fast-check';
import { defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { anyConfigArbitrary, callArbitrary, caseArbitrary, configArbitrary, materialize } from '../src/index.js';

const SAMPLES = 3000;

describe('arbitraries', () => {
  it('draw only what the backend supports', () => {
    const configs = fc.sample(
      configArbitrary(['gru', 'lstm'], (spec) => !spec.bidirectional && spec.projSize === 0),
      { numRuns: 500, seed: 1 },
    );
    for (const config of configs) {
      expect(['gru', 'lstm']).toContain(config.mode);
      expect(config.bidirectional).toBe(false);
      expect(config.projSize ?? 0).toBe(0);
    }
  });

  it('stop with a message, not a hang, when the backend supports nothing asked for', () => {
    expect(() =>
      fc.sample(
        configArbitrary(['gru'], () => false),
        { numRuns: 1, seed: 1 },
      ),
    ).toThrow(/no config the backend supports in 2000 draws/);
    // One supported spec in every few draws is found: the count is of refusals in a row.
    let calls = 0;
    expect(
      fc.sample(
        configArbitrary(['gru'], () => ++calls % 7 === 0),
        { numRuns: 50, seed: 1 },
      ),
    ).toHaveLength(50);
  });

  it('reach every option of the spec', () => {
    const specs = fc.sample(anyConfigArbitrary(), { numRuns: SAMPLES, seed: 2 }).map((c) => defineSpec(c));
    const seen = (f: (s: (typeof specs)[number]) => boolean): boolean => specs.some(f);
    for (const mode of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm']) expect(seen((s) => s.mode === mode)).toBe(true);
    expect(seen((s) => s.numLayers === 1) && seen((s) => s.numLayers === 5)).toBe(true);
    expect(seen((s) => s.inputSize === 1) && seen((s) => s.hiddenSize === 1)).toBe(true);
    expect(seen((s) => s.projSize > 0)).toBe(true);
    expect(seen((s) => s.peepholes) && seen((s) => s.inputForget)).toBe(true);
    expect(seen((s) => s.mode === 'gru' && !s.linearBeforeReset)).toBe(true);
    expect(seen((s) => s.tiedLayers && s.numLayers > 2)).toBe(true);
    expect(seen((s) => s.clip !== null) && seen((s) => !s.bias) && seen((s) => s.batchFirst)).toBe(true);
    expect(seen((s) => s.bidirectional && s.reverseActivations !== s.activations)).toBe(true);
    expect(seen((s) => s.activations.some((a) => a.alpha !== undefined && a.name !== 'Affine'))).toBe(true);
    expect(specs.every((s) => s.dropout === 0)).toBe(true);
  });

  it('draw calls of every shape: T and B of 1, unbatched, zeros, large, lengths 0 and T, states', () => {
    const config = { mode: 'lstm' as const, inputSize: 2, hiddenSize: 3 };
    const calls = fc.sample(callArbitrary(config, 'float32'), { numRuns: SAMPLES, seed: 3 });
    const seen = (f: (c: (typeof calls)[number]) => boolean): boolean => calls.some(f);
    expect(seen((c) => c.T === 1) && seen((c) => c.B === 1 && !c.isUnbatched) && seen((c) => c.isUnbatched)).toBe(true);
    expect(seen((c) => c.inputKind === 'zeros') && seen((c) => c.inputKind === 'large')).toBe(true);
    expect(seen((c) => c.paramScale === 'saturating') && seen((c) => c.paramScale === 'tiny')).toBe(true);
    expect(seen((c) => c.lengths?.includes(0) ?? false) && seen((c) => c.lengths?.includes(c.T) ?? false)).toBe(true);
    expect(seen((c) => c.initial === 'none') && seen((c) => c.initial === 'h') && seen((c) => c.initial === 'hc')).toBe(
      true,
    );
  });

  it('always make valid, reproducible cases', () => {
    fc.assert(
      fc.property(caseArbitrary(anyConfigArbitrary(), 'float32'), (recipe) => {
        const a = materialize(recipe);
        const b = materialize(recipe);
        expect(a.input.data).toEqual(b.input.data);
        expect(a.input.shape.at(-1)).toBe(a.spec.inputSize);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});
