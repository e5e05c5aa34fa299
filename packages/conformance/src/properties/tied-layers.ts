import { type RnnParams, type RnnSpec, type Tensor, defineSpec, paramLayout } from '@deeprnn/core';
import fc from 'fast-check';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { materialize } from '../recipe.js';
import { requireTame, runCase } from '../run-model.js';

/** Untied parameters equal to tied ones: layer 1's set copied to layers 2..L-1. */
function untie(untied: RnnSpec, params: RnnParams): RnnParams {
  const out: Record<string, Tensor> = {};
  for (const slot of paramLayout(untied)) {
    const from = slot.name.replace(/_l(\d+)/, (_m, layer: string) => `_l${Math.min(Number(layer), 1)}`);
    out[slot.name] = params[from]!;
  }
  return out;
}

/** A tied stack equals the untied stack whose upper layers all hold copies of the shared set. */
export const tiedLayers: ConformanceProperty = defineProperty({
  name: 'tied-layers',
  summary: 'tied layers equal untied layers with copied weights',
  baseRuns: 25,
  skipReason: () => null,
  arbitrary: (ctx) =>
    caseArbitrary(
      configArbitrary(ctx.backend.capabilities.modes, ctx.supports, { tiedLayers: true, minLayers: 2 }),
      ctx.draw,
    ),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    const untiedSpec = defineSpec({ ...recipe.config, tiedLayers: false });
    fc.pre(ctx.supports(untiedSpec));
    const tied = requireTame(await runCase(ctx.backend, c));
    const untied = await runCase(ctx.backend, { ...c, spec: untiedSpec, params: untie(untiedSpec, c.params) });
    meter.results('tied vs untied copy:', tied, untied);
  },
});
