import {
  type Backend,
  type CarriedState,
  type FloatArray,
  type HeadParams,
  type OptimizerOptions,
  type RnnParams,
  type RnnState,
  SeededRandom,
  type Tensor,
  type TrainerParams,
  clipGlobalNorm,
  directionCount,
  outputShape,
  outputSize,
  paramLayout,
  softmaxHeadGradients,
  tensor,
  updateParameter,
  isTrainingBackend,
} from '@deeprnn/core';
import fc from 'fast-check';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import type { Meter } from '../measure.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type ForwardCase, type CaseRecipe, materialize } from '../recipe.js';
import { requireTame } from '../run-model.js';
import { GRADIENT_TOLERANCE_FACTOR } from './gradients.js';

/** Steps each case trains: enough for the optimizer state and the carried state to matter. */
const STEPS = 3;

interface TrainerCase {
  readonly recipe: CaseRecipe;
  /** Classes of the linear + softmax head, or 0 for a trainer without a head (loss = sum(output ⊙ g)). */
  readonly classes: number;
  readonly optimizer: OptimizerOptions;
  readonly gradClipNorm: number | null;
  readonly seed: number;
}

/** What each step of a case feeds the trainer: head targets or the output gradient. */
interface StepLoss {
  readonly targets?: Int32Array;
  readonly gradOutput?: Tensor;
}

function randomHead(classes: number, F: number, rng: SeededRandom): HeadParams {
  const k = 1 / Math.sqrt(F);
  return {
    weight: tensor(
      Float32Array.from({ length: classes * F }, () => rng.uniform(-k, k)),
      [classes, F],
    ),
    bias: tensor(
      Float32Array.from({ length: classes }, () => rng.uniform(-k, k)),
      [classes],
    ),
  };
}

function stepLosses(c: ForwardCase, classes: number, rng: SeededRandom): StepLoss[] {
  const shape = outputShape(c.spec, c.recipe);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return Array.from({ length: STEPS }, () =>
    classes > 0
      ? { targets: Int32Array.from({ length: rows }, () => Math.floor(rng.nextFloat() * classes)) }
      : {
          gradOutput: tensor(
            Float32Array.from({ length: rows * shape.at(-1)! }, () => rng.normal()),
            shape,
          ),
        },
  );
}

function f64(t: Tensor): Float64Array {
  return Float64Array.from(t.data);
}

/**
 * The same steps on the host: the float64 reference's forward and `gradients`, the core head, global-norm
 * clipping and optimizer, in float64. Returns the final parameters, and each step's loss, the scale of
 * that loss (the sum of |terms|, for a linear loss whose terms may cancel) and gradient norm.
 */
async function hostSteps(
  oracle: Backend,
  c: ForwardCase,
  head: HeadParams | null,
  x: TrainerCase,
  losses: readonly StepLoss[],
): Promise<{ params: TrainerParams; losses: number[]; scales: number[]; norms: number[] }> {
  const names = paramLayout(c.spec).map((s) => s.name);
  const p = new Map<string, Float64Array>(names.map((n) => [n, f64(c.params[n]!)]));
  const W = head ? f64(head.weight) : null;
  const b = head ? f64(head.bias) : null;
  const moments = new Map<string, { m: Float64Array; v: Float64Array }>();
  let initial: RnnState | undefined = c.initial;
  const lossesSeen: number[] = [];
  const scales: number[] = [];
  const norms: number[] = [];
  for (let k = 0; k < STEPS; k++) {
    const params: RnnParams = Object.fromEntries(names.map((n) => [n, tensor(p.get(n)!, c.params[n]!.shape)]));
    const model = await oracle.createModel(c.spec, params);
    try {
      const options = { training: true, dropoutSeed: x.seed + k, ...(c.lengths ? { lengths: c.lengths } : {}) };
      const { output, state } = requireTame(await model.forward(c.input, initial, options));
      const grads: FloatArray[] = [];
      let dOut: Tensor;
      if (W && b) {
        const g = softmaxHeadGradients(output.data, W, b, losses[k]!.targets!);
        lossesSeen.push(g.loss);
        scales.push(Math.abs(g.loss));
        dOut = tensor(g.dY, output.shape);
        grads.push(g.dW, g.db);
      } else {
        dOut = losses[k]!.gradOutput!;
        let loss = 0;
        let scale = 0;
        for (let i = 0; i < output.data.length; i++) {
          loss += output.data[i]! * dOut.data[i]!;
          scale += Math.abs(output.data[i]! * dOut.data[i]!);
        }
        lossesSeen.push(loss);
        scales.push(scale);
      }
      const rnnGrads = (await model.gradients!(c.input, initial, { output: dOut }, options)).params;
      for (const n of names) grads.push(rnnGrads[n]!.data);
      norms.push(clipGlobalNorm(grads, x.gradClipNorm));
      const targets = [...(W && b ? [W, b] : []), ...names.map((n) => p.get(n)!)];
      const keys = [...(W ? ['head.weight', 'head.bias'] : []), ...names];
      targets.forEach((t, i) => {
        let m = moments.get(keys[i]!);
        if (!m) moments.set(keys[i]!, (m = { m: new Float64Array(t.length), v: new Float64Array(t.length) }));
        updateParameter(x.optimizer, k + 1, t, grads[i]!, x.optimizer.name === 'adam' ? m : null);
      });
      initial = state;
    } finally {
      await model.dispose();
    }
  }
  const rnn = Object.fromEntries(names.map((n) => [n, tensor(p.get(n)!, c.params[n]!.shape)]));
  const headOut = head && W && b ? { weight: tensor(W, head.weight.shape), bias: tensor(b, head.bias.shape) } : null;
  return { params: { rnn, head: headOut }, losses: lossesSeen, scales, norms };
}

function compare(meter: Meter, got: TrainerParams, want: TrainerParams, tol: { rtol: number; atol: number }): void {
  for (const [name, t] of Object.entries(want.rnn)) meter.close(`after ${STEPS} steps: ${name}`, got.rnn[name], t, tol);
  meter.close(`after ${STEPS} steps: head.weight`, got.head?.weight, want.head?.weight, tol);
  meter.close(`after ${STEPS} steps: head.bias`, got.head?.bias, want.head?.bias, tol);
}

/**
 * A few steps of the backend's trainer (carrying the state from step to step) give the parameters,
 * losses and gradient norms of the same steps done on the host with the float64 reference's
 * gradients, the core head, clipping and optimizer; within {@link GRADIENT_TOLERANCE_FACTOR} times
 * the declared tolerance.
 */
export const trainer: ConformanceProperty = defineProperty<TrainerCase>({
  name: 'trainer',
  summary: 'a few trainer steps (head, loss, clipping, SGD or Adam) agree with host steps on reference gradients',
  baseRuns: 12,
  skipReason: (ctx) =>
    !isTrainingBackend(ctx.backend)
      ? 'the backend does not train (capabilities.training, createTrainer and unsupportedTraining; the capabilities property checks they agree)'
      : !ctx.oracleHasGradients
        ? 'the reference backend has no gradients'
        : null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: caseArbitrary(
        configArbitrary(ctx.backend.capabilities.modes, ctx.trainSupports, { isSmooth: true }),
        ctx.draw,
        { isGentle: true },
      ),
      classes: fc.constantFrom(0, 2, 5),
      // Adam's eps is large so that a gradient near zero (whose sign is rounding) cannot flip a step.
      optimizer: fc.constantFrom<OptimizerOptions>({ name: 'sgd', lr: 0.5 }, { name: 'adam', lr: 0.01, eps: 0.01 }),
      gradClipNorm: fc.constantFrom(null, 0.5),
      seed: fc.integer({ min: 0, max: 0x7fffff }),
    }),
  async check(ctx, x, meter) {
    const c = materialize(x.recipe);
    const rng = new SeededRandom(x.seed);
    const F = directionCount(c.spec) * outputSize(c.spec);
    const head = x.classes > 0 ? randomHead(x.classes, F, rng) : null;
    const losses = stepLosses(c, x.classes, rng);
    const want = await hostSteps(ctx.oracle, c, head, x, losses);
    if (!isTrainingBackend(ctx.backend)) {
      meter.fail('capabilities.training is true but backend.createTrainer or backend.unsupportedTraining is missing');
      return;
    }
    const t = await ctx.backend.createTrainer(c.spec, {
      params: { rnn: c.params, head },
      optimizer: x.optimizer,
      gradClipNorm: x.gradClipNorm,
    });
    try {
      let initial: RnnState | CarriedState | undefined = c.initial;
      const tol = {
        rtol: ctx.tolerance.rtol * GRADIENT_TOLERANCE_FACTOR,
        atol: ctx.tolerance.atol * GRADIENT_TOLERANCE_FACTOR,
      };
      for (let k = 0; k < STEPS; k++) {
        const r = await t.step({
          input: c.input,
          ...(initial ? { initial } : {}),
          ...losses[k]!,
          dropoutSeed: x.seed + k,
          ...(c.lengths ? { lengths: c.lengths } : {}),
        });
        const lossError = Math.abs(r.loss - want.losses[k]!);
        meter.expect(
          lossError <= tol.atol + tol.rtol * want.scales[k]!,
          `step ${k} loss is ${r.loss}, expected ${want.losses[k]} (scale ${want.scales[k]})`,
        );
        meter.close(
          `step ${k} gradient norm`,
          tensor(Float64Array.of(r.gradNorm), [1]),
          tensor(Float64Array.of(want.norms[k]!), [1]),
          tol,
        );
        initial = r.state;
      }
      compare(meter, await t.readParams(), want.params, tol);
      const opt = await t.readOptimizerState();
      meter.expect(opt.step === STEPS, `optimizer step is ${opt.step} after ${STEPS} steps`);
    } finally {
      await t.dispose();
    }
  },
});
