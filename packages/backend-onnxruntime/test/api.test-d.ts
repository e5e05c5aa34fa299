import type { Backend } from '@deeprnn/core';
import { expectTypeOf } from 'vitest';
import { type OnnxruntimeBackend, createBackend } from '../src/index.js';

expectTypeOf(createBackend).returns.resolves.toEqualTypeOf<OnnxruntimeBackend>();
expectTypeOf<OnnxruntimeBackend>().toMatchTypeOf<Backend>();
expectTypeOf<OnnxruntimeBackend['notices']>().toEqualTypeOf<readonly string[]>();
expectTypeOf(createBackend).parameter(0).exclude<undefined>().toHaveProperty('executionProviders');
