import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { errorText, expectRejection } from '../errors-seen.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { forwardCase } from '../run-model.js';

/**
 * Disposing twice is harmless and use after dispose raises BackendDisposedError, for models and (when
 * a factory can make a spare backend) for whole backends.
 */
export const dispose: ConformanceProperty = defineProperty({
  name: 'dispose',
  summary: 'double dispose is harmless; use after dispose raises BackendDisposedError',
  baseRuns: 8,
  skipReason: () => null,
  arbitrary: (ctx) => caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    const model = await ctx.backend.createModel(c.spec, c.params);
    await forwardCase(model, c);
    meter.expect(typeof model[Symbol.asyncDispose] === 'function', 'model has no [Symbol.asyncDispose]');
    try {
      await model.dispose();
      await model.dispose();
    } catch (e) {
      meter.fail(`model.dispose() twice raised ${errorText(e)}`);
    }
    const used = await expectRejection(() => forwardCase(model, c), 'E_DISPOSED', 'forward after dispose');
    meter.expect(used === '', used);

    if (!ctx.backendFactory) return;
    const spare = await ctx.backendFactory();
    try {
      await spare.dispose();
      await spare.dispose();
    } catch (e) {
      meter.fail(`backend.dispose() twice raised ${errorText(e)}`);
    }
    const created = await expectRejection(
      () => spare.createModel(c.spec, c.params),
      'E_DISPOSED',
      'createModel after backend.dispose()',
    );
    meter.expect(created === '', created);
  },
});
