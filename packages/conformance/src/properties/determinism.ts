import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { forwardCase, withModel } from '../run-model.js';

/** The same call twice on one model gives the same bits. */
export const determinism: ConformanceProperty = defineProperty({
  name: 'determinism',
  summary: 'the same call twice gives identical bits',
  baseRuns: 25,
  skipReason: () => null,
  arbitrary: (ctx) => caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    await withModel(ctx.backend, c.spec, c.params, async (model) => {
      const first = await forwardCase(model, c);
      const second = await forwardCase(model, c);
      meter.same('second call output', second.output, first.output);
      meter.same('second call hN', second.state.h, first.state.h);
      meter.same('second call cN', second.state.c, first.state.c);
    });
  },
});
