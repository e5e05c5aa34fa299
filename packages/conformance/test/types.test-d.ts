import type { Backend } from '@deeprnn/core';
import { expectTypeOf, test } from 'vitest';
import { type OnnxCodec, type PropertyName, type PropertyResult, checkBackend, readSettings } from '../src/index.js';
import { runConformance } from '../src/run-conformance.js';

test('public signatures', () => {
  expectTypeOf(runConformance).parameter(1).toEqualTypeOf<Backend | (() => Backend | Promise<Backend>)>();
  expectTypeOf(runConformance).returns.toEqualTypeOf<void>();
  expectTypeOf(checkBackend).returns.resolves.toEqualTypeOf<PropertyResult[]>();
  expectTypeOf<PropertyResult['property']>().toEqualTypeOf<PropertyName>();
  expectTypeOf<PropertyResult['failure']>().toEqualTypeOf<import('../src/index.js').PropertyFailure | undefined>();
  expectTypeOf(readSettings).returns.toHaveProperty('scale').toEqualTypeOf<number>();
  // A synchronous exporter/importer fits the injected codec.
  expectTypeOf<{
    exportOnnx: (s: never, p: never) => Uint8Array;
    importOnnx: OnnxCodec['importOnnx'];
  }>().toMatchTypeOf<OnnxCodec>();
});
