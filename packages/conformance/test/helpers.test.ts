import { fromArray } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { concat, reverseWithinLengths, take } from '../src/axis-ops.js';
import { closeness, readSettings, scaledRuns, vitestReplayCommand } from '../src/index.js';

describe('closeness', () => {
  const tol = { rtol: 1e-4, atol: 1e-5 };
  it('measures error relative to the magnitude and passes within tolerance', () => {
    const want = fromArray([1000, 1, 0], [3], 'float64');
    const c = closeness(fromArray([1000.05, 1, 0], [3], 'float64'), want, tol);
    expect(c.pass).toBe(true);
    expect(c.maxError).toBeCloseTo(5e-5, 8);
  });
  it('fails on a large relative error, NaN and a shape mismatch', () => {
    const want = fromArray([1, 2], [2], 'float64');
    expect(closeness(fromArray([1, 2.01], [2]), want, tol).pass).toBe(false);
    expect(closeness(fromArray([1, NaN], [2]), want, tol).detail).toMatch(/NaN/);
    expect(closeness(fromArray([1, 2], [1, 2]), want, tol).detail).toMatch(/shape/);
  });
});

describe('axis ops', () => {
  const t = fromArray([0, 1, 2, 3, 4, 5], [3, 2]);
  it('take, concat', () => {
    expect([...take(t, 0, [2, 0]).data]).toEqual([4, 5, 0, 1]);
    expect([...take(t, 1, [1]).data]).toEqual([1, 3, 5]);
    expect(concat([take(t, 1, [0]), take(t, 1, [1])], 1).data).toEqual(t.data);
  });
  it('reverses each row within its length', () => {
    // [T=3, B=2]: row 0 has length 2, row 1 length 3.
    expect([...reverseWithinLengths(t, 0, 1, [2, 3]).data]).toEqual([2, 5, 0, 3, 4, 1]);
  });
});

describe('settings', () => {
  it('reads the environment in one place', () => {
    const s = readSettings({ DEEPRNN_FC_RUNS: '2.5', FC_SEED: '-7', FC_PATH: '3:1', DEEPRNN_FC_TIME_LIMIT_S: '5' });
    expect(s).toEqual({ scale: 2.5, seed: -7, path: '3:1', timeLimitMs: 5000 });
    expect(readSettings({})).toEqual({ scale: 1, timeLimitMs: 30_000 });
    expect(scaledRuns(40, 0.01)).toBe(1);
    expect(() => readSettings({ FC_SEED: 'x' })).toThrow(/FC_SEED/);
  });
  it('prints a replay command', () => {
    expect(vitestReplayCommand('test/c.test.ts', 'x conformance lengths', 42, '1:2')).toBe(
      "FC_SEED=42 FC_PATH='1:2' npx vitest run 'test/c.test.ts' -t 'x conformance lengths'",
    );
  });
});
