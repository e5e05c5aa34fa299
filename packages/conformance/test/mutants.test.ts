import { type PropertyName, checkBackend } from '../src/index.js';
import { createReferenceBackend } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { MUTANTS, makeMutant } from './mutants.js';

// A fixed seed keeps these tests deterministic; enough runs that every mutant is reached.
const SEED = 20261127;
const RUNS = 150;

describe('the suite catches deliberately broken backends', () => {
  for (const [name, { caughtBy }] of Object.entries(MUTANTS)) {
    it(`${name} fails '${caughtBy}'`, async () => {
      const property = caughtBy as PropertyName;
      const [result] = await checkBackend(() => makeMutant(name), { seed: SEED, runs: RUNS, properties: [property] });
      expect(result?.property).toBe(property);
      expect(result?.skipped).toBeUndefined();
      expect(result?.pass).toBe(false);
      expect(result?.failure?.seed).toBe(SEED);
      expect(result?.failure?.path).toMatch(/^\d+(:\d+)*$/);
      expect(JSON.parse(result!.failure!.counterexample)).toBeTypeOf('object');
    }, 60_000);
  }

  it('replays a failure from its seed and path alone', async () => {
    const [first] = await checkBackend(() => makeMutant('lstm gates i and f swapped'), {
      seed: SEED,
      runs: RUNS,
      properties: ['agreement'],
    });
    const f = first!.failure!;
    const [again] = await checkBackend(() => makeMutant('lstm gates i and f swapped'), {
      seed: f.seed,
      path: f.path,
      runs: RUNS,
      properties: ['agreement'],
    });
    expect(again?.pass).toBe(false);
    expect(again?.failure?.counterexample).toBe(f.counterexample);
  });

  it('skips, never hangs, the training properties of a backend that declares training without its methods', async () => {
    const results = await checkBackend(() => makeMutant('declares training without gradients'), {
      seed: SEED,
      runs: 5,
      properties: ['gradients', 'trainer'],
    });
    expect(results.map((r) => r.skipped)).toEqual([
      expect.stringMatching(/does not train/),
      expect.stringMatching(/does not train/),
    ]);
  }, 60_000);

  it('passes the honest reference with the same seed', async () => {
    const results = await checkBackend(() => createReferenceBackend(), { seed: SEED, runs: 40 });
    expect(results.filter((r) => !r.pass).map((r) => `${r.property}: ${r.failure?.message}`)).toEqual([]);
    expect(results.find((r) => r.property === 'onnx-round-trip')?.skipped).toMatch(/no ONNX codec/);
  });
});
