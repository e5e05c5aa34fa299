import fc from 'fast-check';
import { callArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { range, take } from '../axis-ops.js';
import { batchAxis } from '../layout.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, materialize } from '../recipe.js';
import { forwardCase, requireTame, withModel } from '../run-model.js';
import { takeResultRows, takeStateRows } from '../state-ops.js';

interface BatchCase {
  readonly recipe: CaseRecipe;
  /** New order of the batch rows. */
  readonly permutation: readonly number[];
  /** A row that is also run on its own. */
  readonly alone: number;
}

/**
 * Batch rows never see each other: permuting the rows (with their states and lengths) permutes the
 * results, and a row run on its own gives what it gave inside the batch.
 */
export const batchIndependence: ConformanceProperty = defineProperty<BatchCase>({
  name: 'batch-independence',
  summary: 'permuting batch rows permutes the results; a row alone equals the row in the batch',
  baseRuns: 40,
  skipReason: () => null,
  arbitrary: (ctx) =>
    configArbitrary(ctx.backend.capabilities.modes, ctx.supports)
      .chain((config) => callArbitrary(config, ctx.draw, { minB: 2, allowUnbatched: false }))
      .chain((recipe) =>
        fc.record({
          recipe: fc.constant(recipe),
          permutation: fc.shuffledSubarray(range(0, recipe.B), { minLength: recipe.B, maxLength: recipe.B }),
          alone: fc.integer({ min: 0, max: recipe.B - 1 }),
        }),
      ),
  async check(ctx, { recipe, permutation, alone }, meter) {
    const c = materialize(recipe);
    const axis = batchAxis(c.spec);
    await withModel(ctx.backend, c.spec, c.params, async (model) => {
      const whole = requireTame(await forwardCase(model, c));
      const permuted = await forwardCase(model, c, {
        input: take(c.input, axis, permutation),
        initial: takeStateRows(c.initial, permutation),
        lengths: c.lengths ? permutation.map((b) => c.lengths![b]!) : undefined,
      });
      meter.results('permuted rows:', permuted, takeResultRows(whole, axis, permutation));
      const single = await forwardCase(model, c, {
        input: take(c.input, axis, [alone]),
        initial: takeStateRows(c.initial, [alone]),
        lengths: c.lengths ? [c.lengths[alone]!] : undefined,
      });
      meter.results(`row ${alone} alone:`, single, takeResultRows(whole, axis, [alone]));
    });
  },
});
