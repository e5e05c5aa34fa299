import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../src/check-property.js';
import type { PropertyContext } from '../src/context.js';
import { defineProperty } from '../src/property.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('checkProperty and the time limit', () => {
  it('returns only after the case the time limit abandoned has finished', async () => {
    const events: string[] = [];
    const slow = defineProperty<number>({
      name: 'agreement',
      summary: 'a case that outlives the time limit',
      baseRuns: 5,
      skipReason: () => null,
      arbitrary: () => fc.integer({ min: 0, max: 9 }),
      check: async (_ctx, drawn) => {
        events.push(`start ${drawn}`);
        await sleep(300);
        events.push(`end ${drawn}`);
      },
    });
    const ctx = { tolerance: { rtol: 1e-5, atol: 1e-6 } } as unknown as PropertyContext;
    const result = await checkProperty(ctx, slow, { runs: 5, seed: 1, timeLimitMs: 100 });
    events.push('returned');
    // fast-check gave up on the first case at 100 ms; the case itself ran on, and ended before the return.
    expect(result.pass).toBe(false);
    expect(result.failure?.message).toMatch(/time limit/);
    expect(events).toHaveLength(3);
    expect(events[1]).toMatch(/^end /);
    expect(events[2]).toBe('returned');
  });

  it('counts the cases that finished within the limit and passes', async () => {
    let finished = 0;
    const quick = defineProperty<number>({
      name: 'agreement',
      summary: 'quick cases',
      baseRuns: 4,
      skipReason: () => null,
      arbitrary: () => fc.integer(),
      check: async () => {
        await sleep(1);
        finished += 1;
      },
    });
    const ctx = { tolerance: { rtol: 1e-5, atol: 1e-6 } } as unknown as PropertyContext;
    const result = await checkProperty(ctx, quick, { runs: 4, seed: 1, timeLimitMs: 10_000 });
    expect(result).toMatchObject({ pass: true, runs: 4 });
    expect(finished).toBe(4);
  });
});
