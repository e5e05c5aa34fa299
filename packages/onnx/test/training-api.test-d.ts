import type { OptimizerOptions, RnnSpec } from '@deeprnn/core';
import { expectTypeOf } from 'vitest';
import {
  type TrainingShape,
  type TrainingStepOptions,
  exportGradientGraph,
  exportTrainingStep,
  trainedParameters,
} from '../src/index.js';

expectTypeOf(exportTrainingStep).parameter(0).toEqualTypeOf<RnnSpec>();
expectTypeOf(exportTrainingStep).parameter(1).toEqualTypeOf<TrainingStepOptions>();
expectTypeOf(exportTrainingStep).returns.toEqualTypeOf<Uint8Array>();
expectTypeOf(exportGradientGraph).parameter(1).toEqualTypeOf<TrainingShape>();
expectTypeOf<TrainingStepOptions['optimizer']>().toEqualTypeOf<OptimizerOptions>();
expectTypeOf<TrainingStepOptions['classes']>().toEqualTypeOf<number | null>();
expectTypeOf<TrainingStepOptions['gradClipNorm']>().toEqualTypeOf<number | null>();
expectTypeOf(trainedParameters).returns.toEqualTypeOf<[string, number[]][]>();
