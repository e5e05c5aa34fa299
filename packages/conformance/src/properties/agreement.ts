import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { requireWellConditioned } from '../conditioning.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { oracleRun, runCase } from '../run-model.js';

/**
 * Output and every final state agree with the float64 reference within the backend's tolerance.
 * Ill-conditioned draws (where float32 itself cannot pin the answer down) are discarded.
 */
export const agreement: ConformanceProperty = defineProperty({
  name: 'agreement',
  summary: 'output, hN and cN agree with the float64 reference within the declared tolerance',
  baseRuns: 200,
  skipReason: (ctx) => (ctx.backend.capabilities.modes.length === 0 ? 'the backend declares no modes' : null),
  arbitrary: (ctx) => caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    const want = await oracleRun(ctx.oracle, c);
    await requireWellConditioned(ctx.oracle, c, want, ctx.tolerance);
    const got = await runCase(ctx.backend, c);
    meter.results('reference vs backend:', got, want);
  },
});
