// Compile-time checks of the stream types (run by `npm run typecheck`).
import { expectTypeOf } from 'vitest';
import type { RnnModel, RnnState, RnnStream, StepOptions, StreamOptions, Tensor } from '../src/index.js';

expectTypeOf<RnnModel['stream']>().parameter(0).toEqualTypeOf<StreamOptions | undefined>();
expectTypeOf<RnnModel['stream']>().returns.resolves.toEqualTypeOf<RnnStream>();
expectTypeOf<RnnStream>().toMatchTypeOf<AsyncDisposable>();
expectTypeOf<RnnStream['step']>().parameters.toEqualTypeOf<[x: Tensor, options?: StepOptions]>();
expectTypeOf<RnnStream['step']>().returns.resolves.toEqualTypeOf<Tensor>();
expectTypeOf<RnnStream['readState']>().returns.resolves.toEqualTypeOf<RnnState>();
expectTypeOf<RnnStream['reset']>().parameters.toEqualTypeOf<[initial?: RnnState]>();
expectTypeOf<RnnStream['batchSize']>().toEqualTypeOf<number>();
expectTypeOf<StepOptions['reset']>().toEqualTypeOf<ArrayLike<boolean | number> | undefined>();
