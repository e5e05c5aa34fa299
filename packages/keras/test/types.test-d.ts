import type { RnnModel, RnnSpec, Tensor } from '@deeprnn/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type KerasImport,
  type MergeMode,
  type TfjsExport,
  exportTfjsLayers,
  importKerasFile,
  importTfjsLayers,
  predictKeras,
} from '../src/index.js';
import { readKerasModel } from '../src/node.js';

describe('public types', () => {
  it('importers return a KerasImport with a spec and a typed surrounding', () => {
    expectTypeOf(importTfjsLayers).returns.toEqualTypeOf<KerasImport>();
    expectTypeOf(importKerasFile).returns.toEqualTypeOf<KerasImport>();
    expectTypeOf(readKerasModel).returns.resolves.toEqualTypeOf<KerasImport>();
    expectTypeOf<KerasImport['spec']>().toEqualTypeOf<RnnSpec>();
    expectTypeOf<KerasImport['mergeMode']>().toEqualTypeOf<MergeMode>();
  });
  it('predictKeras takes a model and resolves to a tensor; export returns a TfjsExport', () => {
    expectTypeOf(predictKeras).parameter(0).toEqualTypeOf<RnnModel>();
    expectTypeOf(predictKeras).returns.resolves.toEqualTypeOf<Tensor>();
    expectTypeOf(exportTfjsLayers).returns.toEqualTypeOf<TfjsExport>();
  });
});
