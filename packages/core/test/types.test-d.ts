// Compile-time checks of the public types (run by `npm run typecheck`).
import { expectTypeOf } from 'vitest';
import {
  type Backend,
  type Capabilities,
  type CarriedState,
  type ForwardResult,
  type RnnModel,
  type RnnSpec,
  type RnnState,
  type RnnTrainer,
  type RunStats,
  type Tensor,
  type TrainBatch,
  type TrainerInit,
  type TrainingBackend,
  createReferenceBackend,
  defineSpec,
  tensor,
} from '../src/index.js';

expectTypeOf(defineSpec).returns.toEqualTypeOf<RnnSpec>();
expectTypeOf(tensor(new Float32Array(1), [1])).toEqualTypeOf<Tensor<'float32'>>();
expectTypeOf(tensor(new Float64Array(1), [1])).toEqualTypeOf<Tensor<'float64'>>();
expectTypeOf(createReferenceBackend).returns.toEqualTypeOf<TrainingBackend>();
expectTypeOf<TrainingBackend>().toMatchTypeOf<Backend>();
expectTypeOf<Backend['notices']>().toEqualTypeOf<readonly string[]>();
// One stats type for a forward and a trainer step.
expectTypeOf<RnnModel['lastRunStats']>().toEqualTypeOf<RunStats | null | undefined>();
expectTypeOf<RnnTrainer['lastStepStats']>().toEqualTypeOf<RunStats | null | undefined>();
expectTypeOf<TrainerInit['gradClipNorm']>().toEqualTypeOf<number | null>();
// @ts-expect-error: trainingModes is gone; unsupportedTraining answers per spec
expectTypeOf<Capabilities['trainingModes']>();
expectTypeOf<RnnModel['forward']>().returns.resolves.toEqualTypeOf<ForwardResult>();
expectTypeOf<RnnSpec['mode']>().toEqualTypeOf<'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm'>();
// @ts-expect-error: projSize is a number, not a string
defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 2, projSize: '1' });
// Training is an optional capability: createTrainer may be absent; a step's state is a handle, and the
// next step takes it or a host state.
expectTypeOf<Backend['createTrainer']>().toEqualTypeOf<
  ((spec: RnnSpec, init: TrainerInit) => Promise<RnnTrainer>) | undefined
>();
expectTypeOf<Awaited<ReturnType<RnnTrainer['step']>>['state']>().toEqualTypeOf<CarriedState>();
expectTypeOf<TrainBatch['initial']>().toEqualTypeOf<RnnState | CarriedState | undefined>();
