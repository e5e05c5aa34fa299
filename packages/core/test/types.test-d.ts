// Compile-time checks of the public types (run by `npm run typecheck`).
import { expectTypeOf } from 'vitest';
import {
  type Backend, type CarriedState, type ForwardResult, type RnnModel, type RnnSpec, type RnnState, type RnnTrainer, type Tensor, type TrainBatch, type TrainerInit,
  createReferenceBackend, defineSpec, tensor,
} from '../src/index.js';

expectTypeOf(defineSpec).returns.toEqualTypeOf<RnnSpec>();
expectTypeOf(tensor(new Float32Array(1), [1])).toEqualTypeOf<Tensor<'float32'>>();
expectTypeOf(tensor(new Float64Array(1), [1])).toEqualTypeOf<Tensor<'float64'>>();
expectTypeOf(createReferenceBackend).returns.toEqualTypeOf<Backend>();
expectTypeOf<RnnModel['forward']>().returns.resolves.toEqualTypeOf<ForwardResult>();
expectTypeOf<RnnSpec['mode']>().toEqualTypeOf<'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm'>();
// @ts-expect-error: projSize is a number, not a string
defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 2, projSize: '1' });
// Training is an optional capability: createTrainer may be absent; a step's state is a handle, and the
// next step takes it or a host state.
expectTypeOf<Backend['createTrainer']>().toEqualTypeOf<((spec: RnnSpec, init: TrainerInit) => Promise<RnnTrainer>) | undefined>();
expectTypeOf<Awaited<ReturnType<RnnTrainer['step']>>['state']>().toEqualTypeOf<CarriedState>();
expectTypeOf<TrainBatch['initial']>().toEqualTypeOf<RnnState | CarriedState | undefined>();
