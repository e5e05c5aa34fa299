// Compile-time checks of the public types (run by `npm run typecheck`).
import type { Backend, GradOutput, RnnModel, Tensor } from '@deeprnn/core';
import { expectTypeOf } from 'vitest';
import {
  type LmParams, type RnnTrainer, type TrainStepTiming, type TrainingState, backendTrainer, generate, loadCheckpoint, timeTrainStep,
} from '../src/node.js';

expectTypeOf(backendTrainer).returns.toEqualTypeOf<RnnTrainer>();
expectTypeOf(timeTrainStep).returns.resolves.toEqualTypeOf<TrainStepTiming>();
expectTypeOf(loadCheckpoint).returns.resolves.toEqualTypeOf<TrainingState>();
expectTypeOf(generate).parameter(0).toEqualTypeOf<Backend>();
expectTypeOf<LmParams[string]>().toEqualTypeOf<Tensor<'float32'>>();
// The head callback returns what RnnModel.gradients takes.
expectTypeOf<Parameters<RnnTrainer['forwardBackward']>[3]>().returns.toEqualTypeOf<GradOutput>();
expectTypeOf<Parameters<NonNullable<RnnModel['gradients']>>[2]>().toEqualTypeOf<GradOutput>();
// @ts-expect-error: timeTrainStep times d2l's SGD step and takes no optimizer option
void timeTrainStep({ backend: {} as Backend, optimizer: 'rmsprop' });
