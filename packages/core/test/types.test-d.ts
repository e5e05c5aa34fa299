// Compile-time checks of the public types (run by `npm run typecheck`).
import { expectTypeOf } from 'vitest';
import {
  type Backend, type ForwardResult, type RnnModel, type RnnSpec, type Tensor, createReferenceBackend, defineSpec, tensor,
} from '../src/index.js';

expectTypeOf(defineSpec).returns.toEqualTypeOf<RnnSpec>();
expectTypeOf(tensor(new Float32Array(1), [1])).toEqualTypeOf<Tensor<'float32'>>();
expectTypeOf(tensor(new Float64Array(1), [1])).toEqualTypeOf<Tensor<'float64'>>();
expectTypeOf(createReferenceBackend).returns.toEqualTypeOf<Backend>();
expectTypeOf<RnnModel['forward']>().returns.resolves.toEqualTypeOf<ForwardResult>();
expectTypeOf<RnnSpec['mode']>().toEqualTypeOf<'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm'>();
// @ts-expect-error: projSize is a number, not a string
defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 2, projSize: '1' });
