import {
  type GradOutput,
  type ParamGrads,
  type RnnModel,
  SeededRandom,
  type Tensor,
  isTrainingBackend,
  tensor,
} from '@deeprnn/core';
import fc from 'fast-check';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, type ForwardCase, materialize } from '../recipe.js';
import { lengthsOption, oracleRun, withModel } from '../run-model.js';

interface GradientCase {
  readonly recipe: CaseRecipe;
  readonly gradSeed: number;
}

function randomLike(t: Tensor, rng: SeededRandom): Tensor {
  const data = t.data.slice();
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tensor(data, t.shape);
}

function gradientsOf(model: RnnModel, c: ForwardCase, grad: GradOutput): Promise<ParamGrads> {
  if (typeof model.gradients !== 'function') throw new TypeError('model.gradients is missing');
  return model.gradients(c.input, c.initial, grad, lengthsOption(c.lengths));
}

/**
 * Backpropagation through T steps and L layers rounds twice as often as the forward pass: gradients
 * are held to this multiple of the declared tolerance.
 */
export const GRADIENT_TOLERANCE_FACTOR: number = 10;

/**
 * Gradients of the parameters, the input and the initial state agree with the reference's, within
 * {@link GRADIENT_TOLERANCE_FACTOR} times the declared tolerance, on configs with smooth activations.
 */
export const gradients: ConformanceProperty = defineProperty<GradientCase>({
  name: 'gradients',
  summary: 'gradients (params, input, initial state) agree with the reference',
  baseRuns: 30,
  skipReason: (ctx) =>
    !isTrainingBackend(ctx.backend)
      ? 'the backend does not train (capabilities.training, createTrainer and unsupportedTraining; the capabilities property checks they agree)'
      : !ctx.oracleHasGradients
        ? 'the reference backend has no gradients yet'
        : null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: caseArbitrary(
        configArbitrary(ctx.backend.capabilities.modes, ctx.trainSupports, { isSmooth: true }),
        ctx.draw,
        { isGentle: true },
      ),
      gradSeed: fc.integer({ min: 0, max: 0x7fffffff }),
    }),
  async check(ctx, { recipe, gradSeed }, meter) {
    const c = materialize(recipe);
    const forward = await oracleRun(ctx.oracle, c);
    const rng = new SeededRandom(gradSeed);
    const h = randomLike(forward.state.h, rng);
    const grad: GradOutput = forward.state.c
      ? { output: randomLike(forward.output, rng), h, c: randomLike(forward.state.c, rng) }
      : { output: randomLike(forward.output, rng), h };
    const want = await withModel(ctx.oracle, c.spec, c.params, (m) => gradientsOf(m, c, grad));
    const got = await withModel(ctx.backend, c.spec, c.params, (m) => gradientsOf(m, c, grad));
    const { rtol, atol } = ctx.tolerance;
    const tol = { rtol: rtol * GRADIENT_TOLERANCE_FACTOR, atol: atol * GRADIENT_TOLERANCE_FACTOR };
    for (const [name, t] of Object.entries(want.params)) meter.close(`d/d ${name}`, got.params[name], t, tol);
    meter.close('d/d input', got.input, want.input, tol);
    meter.close('d/d h0', got.initial.h, want.initial.h, tol);
    meter.close('d/d c0', got.initial.c, want.initial.c, tol);
  },
});
