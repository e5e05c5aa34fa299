import fc from 'fast-check';
import type { ForwardResult, RnnModel } from '@deeprnn/core';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { CORRUPTIONS, type CorruptionKind, corrupt } from '../corruption.js';
import { errorCode, errorText } from '../errors-seen.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, materialize } from '../recipe.js';

interface BadCase {
  readonly recipe: CaseRecipe;
  readonly kind: CorruptionKind;
}

function hasNaN(result: ForwardResult): boolean {
  return [result.output, result.state.h, result.state.c].some(
    (t) => t !== undefined && t.data.some((v) => Number.isNaN(v)),
  );
}

/**
 * Shapes, sizes, lengths and parameters drawn to be wrong raise the typed error (ShapeError for calls,
 * ParameterError for weights), never a result (NaN or not) and never an untyped crash.
 */
export const badInput: ConformanceProperty = defineProperty<BadCase>({
  name: 'bad-input',
  summary: 'wrong shapes, sizes, lengths and params raise ShapeError / ParameterError, never NaN or a crash',
  baseRuns: 80,
  skipReason: () => null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw),
      kind: fc.constantFrom(...CORRUPTIONS),
    }),
  async check(ctx, { recipe, kind }, meter) {
    const c = materialize(recipe);
    const bad = corrupt(c, kind);
    const want = bad.code === 'E_SHAPE' ? 'ShapeError' : 'ParameterError';
    let model: RnnModel;
    try {
      model = await ctx.backend.createModel(c.spec, bad.params);
    } catch (e) {
      if (bad.stage !== 'createModel') meter.fail(`${kind}: createModel with valid params raised ${errorText(e)}`);
      else meter.expect(errorCode(e) === bad.code, `${kind}: createModel raised ${errorText(e)}, expected ${want}`);
      return;
    }
    try {
      if (bad.stage === 'createModel') {
        meter.fail(`${kind}: createModel accepted bad params, expected ${want}`);
        return;
      }
      const result = await model.forward(bad.input, bad.initial, bad.options);
      meter.fail(`${kind}: forward returned a result${hasNaN(result) ? ' with NaN' : ''}, expected ${want}`);
    } catch (e) {
      meter.expect(errorCode(e) === bad.code, `${kind}: forward raised ${errorText(e)}, expected ${want}`);
    } finally {
      await model.dispose();
    }
  },
});
