import { zeros } from '@deeprnn/core';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { forEachIndex, replacePadding, slice, take } from '../axis-ops.js';
import { batchAxis, timeAxis } from '../layout.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { forwardCase, requireTame, withModel } from '../run-model.js';
import { takeResultRows, takeStateRows } from '../state-ops.js';

/**
 * Per-row lengths: outputs past a row's length are exactly zero; whatever stands in the padding
 * changes nothing; a row of length L equals the same row run alone with T = L (and a row of length 0
 * keeps its initial state).
 */
export const lengths: ConformanceProperty = defineProperty({
  name: 'lengths',
  summary: 'padding changes nothing, outputs past a length are zero, a length-L row equals it run alone with T = L',
  baseRuns: 40,
  skipReason: () => null,
  arbitrary: (ctx) =>
    caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw, {
      lengths: 'always',
      allowUnbatched: false,
    }),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    const lens = c.lengths!;
    const tAxis = timeAxis(c.spec, false);
    const bAxis = batchAxis(c.spec);
    await withModel(ctx.backend, c.spec, c.params, async (model) => {
      const whole = requireTame(await forwardCase(model, c));
      let nonZero = '';
      forEachIndex(whole.output.shape, (flat, idx) => {
        if (nonZero === '' && idx[tAxis]! >= lens[idx[bAxis]!]! && whole.output.data[flat] !== 0) {
          nonZero = `output[${idx.join(', ')}] is ${whole.output.data[flat]} past length ${lens[idx[bAxis]!]}`;
        }
      });
      meter.expect(nonZero === '', nonZero);

      const repadded = replacePadding(c.input, tAxis, bAxis, lens, (i) => 7.5 * ((i % 5) - 2));
      meter.results('other padding:', await forwardCase(model, c, { input: repadded }), whole);

      for (let b = 0; b < recipe.B; b++) {
        const L = lens[b]!;
        const row = takeResultRows(whole, bAxis, [b]);
        const initial = takeStateRows(c.initial, [b]);
        if (L === 0) {
          meter.close(`row ${b} (length 0) hN`, row.state.h, initial?.h ?? zeros(row.state.h.shape, row.state.h.dtype));
          if (row.state.c)
            meter.close(
              `row ${b} (length 0) cN`,
              row.state.c,
              initial?.c ?? zeros(row.state.c.shape, row.state.c.dtype),
            );
          continue;
        }
        const alone = await forwardCase(model, c, {
          input: slice(take(c.input, bAxis, [b]), tAxis, 0, L),
          initial,
          lengths: undefined,
        });
        meter.results(`row ${b} alone with T = ${L}:`, alone, {
          output: slice(row.output, tAxis, 0, L),
          state: row.state,
        });
      }
    });
  },
});
