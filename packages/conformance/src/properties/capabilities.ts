import { RNN_MODES, type RnnModel, defineSpec, outputShape, tensor } from '@deeprnn/core';
import { callArbitrary } from '../arbitrary-case.js';
import { anyConfigArbitrary } from '../arbitrary-spec.js';
import { errorText, expectRejection } from '../errors-seen.js';
import type { PropertyContext } from '../context.js';
import type { Meter } from '../measure.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { forwardCase } from '../run-model.js';

function checkDeclaration(ctx: PropertyContext, meter: Meter): void {
  const { backend } = ctx;
  const caps = backend.capabilities;
  meter.expect(typeof backend.name === 'string' && backend.name.length > 0, 'backend.name is empty');
  meter.expect(typeof backend.device === 'string' && backend.device.length > 0, 'backend.device is empty');
  meter.expect(
    caps.modes.every((m) => RNN_MODES.includes(m)),
    `capabilities.modes has unknown modes: ${caps.modes.join(', ')}`,
  );
  meter.expect(
    caps.dtypes.length > 0 && caps.dtypes.every((d) => d === 'float32' || d === 'float64'),
    `capabilities.dtypes is ${caps.dtypes.join(', ')}`,
  );
  const { rtol, atol } = caps.tolerance;
  meter.expect(
    Number.isFinite(rtol) && rtol >= 0 && Number.isFinite(atol) && atol >= 0,
    `capabilities.tolerance is ${rtol}, ${atol}`,
  );
  meter.expect(typeof caps.training === 'boolean', 'capabilities.training is not a boolean');
  meter.expect(
    (typeof backend.createTrainer === 'function') === caps.training,
    `capabilities.training is ${caps.training} but createTrainer is ${backend.createTrainer ? 'present' : 'absent'}`,
  );
  // unsupportedTraining is how a training backend says which specs it does not train: required with it.
  meter.expect(
    (typeof backend.unsupportedTraining === 'function') === caps.training,
    `capabilities.training is ${caps.training} but unsupportedTraining is ${backend.unsupportedTraining ? 'present' : 'absent'}`,
  );
  meter.expect(
    Array.isArray(backend.notices) &&
      backend.notices.every((n) => typeof n === 'string' && n.length > 0 && !n.includes('\n')),
    'backend.notices is not a list of one-line strings',
  );
}

/**
 * What a backend declares holds, over configs drawn from the whole spec: a declared mode with no
 * `unsupported` reason runs and gives the right shapes; anything else has a reason and createModel
 * raises UnsupportedError; `gradients` exists exactly when `training` is declared, and refuses by
 * type a spec the backend runs but does not train (`unsupportedTraining`), and `unsupportedTraining`
 * exists exactly when `training` is declared.
 */
export const capabilities: ConformanceProperty = defineProperty({
  name: 'capabilities',
  summary: 'what the backend declares runs; what it does not raises UnsupportedError; gradients iff training',
  baseRuns: 40,
  skipReason: () => null,
  arbitrary: (ctx) => anyConfigArbitrary().chain((config) => callArbitrary(config, ctx.draw, { lengths: 'never' })),
  async check(ctx, recipe, meter) {
    checkDeclaration(ctx, meter);
    const { backend } = ctx;
    const c = materialize(recipe);
    const spec = defineSpec(recipe.config);
    const reason = backend.unsupported(spec);
    const isDeclared = backend.capabilities.modes.includes(spec.mode);
    if (!isDeclared || reason !== null) {
      meter.expect(
        typeof reason === 'string' && reason.length > 0,
        `mode ${spec.mode} is not declared but unsupported() gives no reason`,
      );
      const why = await expectRejection(
        () => backend.createModel(c.spec, c.params),
        'E_UNSUPPORTED',
        'createModel of an unsupported spec',
      );
      meter.expect(why === '', why);
      return;
    }
    let model: RnnModel;
    try {
      model = await backend.createModel(c.spec, c.params);
    } catch (e) {
      meter.fail(`createModel of a supported spec raised ${errorText(e)}`);
      return;
    }
    try {
      const hasGradients = typeof model.gradients === 'function';
      meter.expect(
        hasGradients === backend.capabilities.training,
        `capabilities.training is ${backend.capabilities.training} but model.gradients is ${hasGradients ? 'present' : 'absent'}`,
      );
      const result = await forwardCase(model, c);
      const want = outputShape(spec, recipe);
      meter.expect(
        result.output.shape.join() === want.join(),
        `output shape [${result.output.shape.join(', ')}], expected [${want.join(', ')}]`,
      );
      if (hasGradients && !ctx.trainSupports(spec)) {
        // A spec the backend runs but does not train: the gradients primitive refuses it by type.
        const refused = await expectRejection(
          () =>
            model.gradients!(c.input, c.initial, { output: tensor(new Float32Array(result.output.data.length), want) }),
          'E_UNSUPPORTED',
          `gradients of an untrained ${spec.mode} spec`,
        );
        meter.expect(refused === '', refused);
        const trainer = await expectRejection(
          async () => {
            const t = await backend.createTrainer!(c.spec, {
              params: { rnn: c.params, head: null },
              optimizer: { name: 'sgd', lr: 0.1 },
              gradClipNorm: null,
            });
            await t.dispose(); // it should not have started; free it if it did
          },
          'E_UNSUPPORTED',
          `createTrainer of an untrained ${spec.mode} spec`,
        );
        meter.expect(trainer === '', trainer);
      }
    } catch (e) {
      meter.fail(`forward of a supported spec raised ${errorText(e)}`);
    } finally {
      await model.dispose();
    }
  },
});
