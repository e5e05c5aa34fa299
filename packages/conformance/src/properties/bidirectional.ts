import type { RnnConfig, RnnParams, RnnState, Tensor } from '@deeprnn/core';
import { defineSpec } from '@deeprnn/core';
import fc from 'fast-check';
import { caseArbitrary } from '../arbitrary-case.js';
import { configArbitrary } from '../arbitrary-spec.js';
import { concat, range, reverseWithinLengths, squeeze, unsqueeze } from '../axis-ops.js';
import { batchAxis, timeAxis } from '../layout.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type ForwardCase, materialize } from '../recipe.js';
import { requireTame, runCase } from '../run-model.js';
import { takeStateLayers } from '../state-ops.js';

const REVERSE = '_reverse';

/** One direction of a one-layer bidirectional config as a unidirectional config. */
function directionConfig(config: RnnConfig, reverse: boolean): RnnConfig {
  const spec = defineSpec(config);
  const { reverseActivations: _r, activations: _a, ...rest } = config;
  return { ...rest, bidirectional: false, activations: reverse ? spec.reverseActivations : spec.activations };
}

/** The `_l0` (forward) or `_l0_reverse` parameters, named as a unidirectional model's. */
function directionParams(params: RnnParams, reverse: boolean): RnnParams {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) {
    if (name.endsWith(REVERSE) === reverse) out[reverse ? name.slice(0, -REVERSE.length) : name] = t;
  }
  return out;
}

/** Reverses each row's valid steps (all T steps without lengths). */
function reverseTime(t: Tensor, c: ForwardCase): Tensor {
  const T = c.recipe.T;
  const lengths = c.lengths ? [...c.lengths] : range(0, c.recipe.B).map(() => T);
  if (c.recipe.isUnbatched) return squeeze(reverseWithinLengths(unsqueeze(t, 1), 0, 1, lengths), 1);
  return reverseWithinLengths(t, timeAxis(c.spec, false), batchAxis(c.spec), lengths);
}

function stackStates(a: RnnState, b: RnnState): RnnState {
  const h = concat([a.h, b.h], 0);
  return a.c && b.c ? { h, c: concat([a.c, b.c], 0) } : { h };
}

/**
 * A one-layer bidirectional model equals a forward pass concatenated with a forward pass, using the
 * `_reverse` weights, over the time-reversed sequences (reversed within each row's length).
 */
export const bidirectional: ConformanceProperty = defineProperty({
  name: 'bidirectional',
  summary: 'bidirectional = forward pass ++ forward pass over reversed sequences with the _reverse weights',
  baseRuns: 30,
  skipReason: () => null,
  arbitrary: (ctx) =>
    caseArbitrary(
      configArbitrary(ctx.backend.capabilities.modes, ctx.supports, { bidirectional: true, maxLayers: 1 }),
      ctx.draw,
    ),
  async check(ctx, recipe, meter) {
    const c = materialize(recipe);
    const fwdSpec = defineSpec(directionConfig(recipe.config, false));
    const revSpec = defineSpec(directionConfig(recipe.config, true));
    fc.pre(ctx.supports(fwdSpec) && ctx.supports(revSpec));
    const both = requireTame(await runCase(ctx.backend, c));
    const fwd = await runCase(
      ctx.backend,
      { ...c, spec: fwdSpec, params: directionParams(c.params, false) },
      {
        initial: takeStateLayers(c.initial, [0]),
      },
    );
    const rev = await runCase(
      ctx.backend,
      { ...c, spec: revSpec, params: directionParams(c.params, true) },
      {
        input: reverseTime(c.input, c),
        initial: takeStateLayers(c.initial, [1]),
      },
    );
    const featureAxis = both.output.shape.length - 1;
    const output = concat([fwd.output, reverseTime(rev.output, c)], featureAxis);
    meter.results('bidirectional vs two forward passes:', both, { output, state: stackStates(fwd.state, rev.state) });
  },
});
