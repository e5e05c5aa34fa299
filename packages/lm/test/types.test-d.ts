// Compile-time checks of the public types (run by `npm run typecheck`).
import type { Backend, GradOutput, RnnModel, RnnTrainer, Tensor } from '@deeprnn/core';
import { expectTypeOf } from 'vitest';
import {
  type LmParams,
  type TrainStepTiming,
  type TrainingState,
  createLmTrainer,
  generate,
  loadCheckpoint,
  timeTrainStep,
  trainLoop,
} from '../src/node.js';

// lm trains through the core contract only: its trainer is core's, its loop takes any Backend.
expectTypeOf(createLmTrainer).returns.resolves.toEqualTypeOf<RnnTrainer>();
expectTypeOf(trainLoop).parameter(0).toEqualTypeOf<Backend>();
expectTypeOf(timeTrainStep).returns.resolves.toEqualTypeOf<TrainStepTiming>();
expectTypeOf(loadCheckpoint).returns.resolves.toEqualTypeOf<TrainingState>();
expectTypeOf(generate).parameter(0).toEqualTypeOf<Backend>();
expectTypeOf<LmParams[string]>().toEqualTypeOf<Tensor<'float32'>>();
expectTypeOf<Parameters<NonNullable<RnnModel['gradients']>>[2]>().toEqualTypeOf<GradOutput>();
// @ts-expect-error: timeTrainStep times d2l's SGD step and takes no optimizer option
void timeTrainStep({ backend: {} as Backend, optimizer: 'rmsprop' });
