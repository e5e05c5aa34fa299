import type { Backend, RnnModel } from '@deeprnn/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type EngineName, type EngineNotice, type TfjsBackend, type TfjsRnn, createBackend, createTfjsRnn } from '../src/index.js';

describe('public types', () => {
  it('createBackend returns a Backend with engine, notices and run', () => {
    expectTypeOf(createBackend).returns.resolves.toEqualTypeOf<TfjsBackend>();
    expectTypeOf<TfjsBackend>().toMatchTypeOf<Backend>();
    expectTypeOf<TfjsBackend['engine']>().toEqualTypeOf<EngineName>();
    expectTypeOf<TfjsBackend['notices']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<TfjsBackend['skipped']>().toEqualTypeOf<readonly EngineNotice[]>();
    expectTypeOf<Awaited<ReturnType<TfjsBackend['createModel']>>>().toMatchTypeOf<RnnModel>();
  });
  it('createTfjsRnn returns a TfjsRnn', () => {
    expectTypeOf(createTfjsRnn).returns.resolves.toEqualTypeOf<TfjsRnn>();
  });
});
