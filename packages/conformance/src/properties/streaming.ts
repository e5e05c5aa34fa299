import fc from 'fast-check';
import type { ForwardResult, RnnState } from '@deeprnn/core';
import { callArbitrary } from '../arbitrary-case.js';
import { SIZE_LIMITS, configArbitrary } from '../arbitrary-spec.js';
import { concat, slice } from '../axis-ops.js';
import { timeAxis } from '../layout.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, materialize } from '../recipe.js';
import { forwardCase, requireTame, withModel } from '../run-model.js';

interface StreamingCase {
  readonly recipe: CaseRecipe;
  /** Where the sequence is cut (positions in [1, T-1]; others are ignored). */
  readonly cuts: readonly number[];
}

function chunkBounds(T: number, cuts: readonly number[]): number[] {
  const inside = [...new Set(cuts.filter((k) => k > 0 && k < T))].sort((a, b) => a - b);
  return [0, ...(inside.length > 0 ? inside : [Math.floor(T / 2)]), T];
}

/**
 * Running consecutive chunks, each starting from the previous chunk's final state, equals one call.
 * Drawn unidirectional and without lengths: a reverse direction or a padded row has no chunked form.
 */
export const streaming: ConformanceProperty = defineProperty<StreamingCase>({
  name: 'streaming',
  summary: 'consecutive chunks with the state passed on equal one call',
  baseRuns: 40,
  skipReason: () => null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: configArbitrary(ctx.backend.capabilities.modes, ctx.supports, { bidirectional: false }).chain((config) =>
        callArbitrary(config, ctx.draw, { minT: 2, lengths: 'never' }),
      ),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: SIZE_LIMITS.T - 1 }), { maxLength: 3 }),
    }),
  async check(ctx, { recipe, cuts }, meter) {
    const c = materialize(recipe);
    const axis = timeAxis(c.spec, recipe.isUnbatched);
    await withModel(ctx.backend, c.spec, c.params, async (model) => {
      const whole = requireTame(await forwardCase(model, c));
      const bounds = chunkBounds(recipe.T, cuts);
      let state: RnnState | undefined = c.initial;
      const parts: ForwardResult[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const part = await forwardCase(model, c, {
          input: slice(c.input, axis, bounds[k]!, bounds[k + 1]!),
          initial: state,
        });
        parts.push(part);
        state = part.state;
      }
      const last = parts[parts.length - 1]!;
      meter.close(
        'chunked output',
        concat(
          parts.map((p) => p.output),
          axis,
        ),
        whole.output,
      );
      meter.close('chunked hN', last.state.h, whole.state.h);
      meter.close('chunked cN', last.state.c, whole.state.c);
    });
  },
});
