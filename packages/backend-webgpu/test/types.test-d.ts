import type { Backend, RnnModel } from '@deeprnn/core';
import { expectTypeOf, test } from 'vitest';
import { type RunStats, type WebgpuBackend, type WebgpuModel, createBackend } from '../src/index.js';

test('createBackend gives a Backend whose models report their last run', () => {
  expectTypeOf(createBackend).returns.resolves.toEqualTypeOf<WebgpuBackend>();
  expectTypeOf<WebgpuBackend>().toExtend<Backend>();
  expectTypeOf<WebgpuModel>().toExtend<RnnModel>();
  expectTypeOf<WebgpuModel['lastRunStats']>().toEqualTypeOf<RunStats | null>();
  expectTypeOf<WebgpuBackend['gpuDevice']>().toEqualTypeOf<GPUDevice>();
  expectTypeOf(createBackend).parameter(0).toExtend<{ device?: GPUDevice } | undefined>();
});
