import type { Backend, RnnModel, RnnTrainer } from '@deeprnn/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type EngineName, type EngineNotice, type TfjsBackend, createBackend } from '../src/index.js';

describe('public types', () => {
  it('createBackend returns a Backend with engine, notices and run', () => {
    expectTypeOf(createBackend).returns.resolves.toEqualTypeOf<TfjsBackend>();
    expectTypeOf<TfjsBackend>().toMatchTypeOf<Backend>();
    expectTypeOf<TfjsBackend['engine']>().toEqualTypeOf<EngineName>();
    expectTypeOf<TfjsBackend['notices']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<TfjsBackend['skipped']>().toEqualTypeOf<readonly EngineNotice[]>();
    expectTypeOf<Awaited<ReturnType<TfjsBackend['createModel']>>>().toMatchTypeOf<RnnModel>();
  });
  it('createTrainer returns the core RnnTrainer contract', () => {
    expectTypeOf<Awaited<ReturnType<TfjsBackend['createTrainer']>>>().toMatchTypeOf<RnnTrainer>();
  });
});
