import type { RnnParams, RnnSpec } from '@deeprnn/core';
import { expectTypeOf } from 'vitest';
import { type ImportedOnnx, type IoBinding, exportOnnx, importOnnx, loadOnnxTestCase } from '../src/index.js';

expectTypeOf(exportOnnx).parameter(0).toEqualTypeOf<RnnSpec>();
expectTypeOf(exportOnnx).returns.toEqualTypeOf<Uint8Array>();
expectTypeOf(importOnnx).returns.toEqualTypeOf<ImportedOnnx>();
expectTypeOf<ImportedOnnx['params']>().toEqualTypeOf<RnnParams>();
expectTypeOf<IoBinding['role']>().toEqualTypeOf<'input' | 'h0' | 'c0' | 'lengths' | 'output' | 'hN' | 'cN'>();
expectTypeOf(loadOnnxTestCase).returns.resolves.toHaveProperty('dataSets');
