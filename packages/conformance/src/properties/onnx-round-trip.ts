import { UnsupportedError } from '@deeprnn/core';
import fc from 'fast-check';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { requireTame, runCase } from '../run-model.js';

/** Exporting to ONNX and importing back changes no result (runs only when an ONNX codec is injected). */
export const onnxRoundTrip: ConformanceProperty = defineProperty({
  name: 'onnx-round-trip',
  summary: 'exportOnnx then importOnnx gives the same results',
  baseRuns: 25,
  skipReason: (ctx) => (ctx.onnx ? null : 'no ONNX codec given (options.onnx)'),
  arbitrary: (ctx) => caseArbitrary(configArbitrary(ctx.backend.capabilities.modes, ctx.supports), ctx.draw),
  async check(ctx, recipe, meter) {
    const codec = ctx.onnx!;
    const c = materialize(recipe);
    let bytes: Uint8Array;
    try {
      bytes = await codec.exportOnnx(c.spec, c.params);
    } catch (e) {
      // A config the exporter declines is not a round-trip failure; anything else is.
      fc.pre(!(e instanceof UnsupportedError));
      throw e;
    }
    const back = await codec.importOnnx(bytes);
    fc.pre(ctx.supports(back.spec));
    const before = requireTame(await runCase(ctx.backend, c));
    const after = await runCase(ctx.backend, { ...c, spec: back.spec, params: back.params });
    meter.results('after the ONNX round trip:', after, before);
  },
});
