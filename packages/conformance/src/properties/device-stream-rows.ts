import fc from 'fast-check';
import { type RnnStream, SeededRandom, type StepOptions, type Tensor, swapLeadingAxes, tensor } from '@deeprnn/core';
import { callArbitrary } from '../arbitrary-case.js';
import { SIZE_LIMITS, configArbitrary } from '../arbitrary-spec.js';
import { slice } from '../axis-ops.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, materialize } from '../recipe.js';
import { TAME_LIMIT, withModel } from '../run-model.js';

interface StreamRowsCase {
  readonly recipe: CaseRecipe;
  /** Where the sequence is cut into chunks. */
  readonly cuts: readonly number[];
  /** Seeds each chunk's per-row lengths and reset mask (drawn from it, so every chunk gets its own). */
  readonly planSeed: number;
}

/** Each chunk's step options: sometimes per-row lengths (k, 0 or in between), sometimes a reset mask. */
function plans(bounds: readonly number[], B: number, seed: number): StepOptions[] {
  const rng = new SeededRandom(seed);
  const out: StepOptions[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const k = bounds[i + 1]! - bounds[i]!;
    const lengths =
      rng.nextFloat() < 0.5
        ? Array.from(
            { length: B },
            () => [k, 0, Math.floor(rng.nextFloat() * (k + 1))][Math.floor(rng.nextFloat() * 3)]!,
          )
        : null;
    const reset = rng.nextFloat() < 0.5 ? Array.from({ length: B }, () => rng.nextFloat() < 0.4) : null;
    out.push({ ...(lengths ? { lengths } : {}), ...(reset ? { reset } : {}) });
  }
  return out;
}

function isTame(t: Tensor | undefined): boolean {
  return t === undefined || Array.from(t.data).every((v) => Math.abs(v) <= TAME_LIMIT);
}

/**
 * Batches of independent streams: the same chunks with per-row `lengths` and `reset` masks, streamed
 * through the backend and through the float64 reference's stream (the oracle that defines them), give
 * the same outputs at every chunk and the same final state, within the backend's tolerance.
 */
export const deviceStreamRows: ConformanceProperty = defineProperty<StreamRowsCase>({
  name: 'device-stream-rows',
  summary: 'model.stream() with per-row lengths and reset masks agrees with the reference stream',
  baseRuns: 20,
  skipReason: () => null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: configArbitrary(ctx.backend.capabilities.modes, ctx.supports, { bidirectional: false }).chain((config) =>
        callArbitrary(config, ctx.draw, { minT: 2, lengths: 'never', allowUnbatched: false, isGentle: true }),
      ),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: SIZE_LIMITS.T - 1 }), { maxLength: 3 }),
      planSeed: fc.integer({ min: 0, max: 0x7fffffff }),
    }),
  async check(ctx, { recipe, cuts, planSeed }, meter) {
    const c = materialize(recipe);
    const { T, B } = recipe;
    const I = c.spec.inputSize;
    const x = c.spec.batchFirst ? tensor(swapLeadingAxes(c.input.data, B, T, I), [T, B, I]) : c.input;
    const bounds = [0, ...[...new Set(cuts.filter((k) => k > 0 && k < T))].sort((a, b) => a - b), T];
    const steps = plans(bounds, B, planSeed);
    const open = { batchSize: B, ...(c.initial ? { initial: c.initial } : {}) };
    const run = async (stream: RnnStream): Promise<Tensor[]> => {
      const outs: Tensor[] = [];
      for (let i = 0; i + 1 < bounds.length; i++)
        outs.push(await stream.step(slice(x, 0, bounds[i]!, bounds[i + 1]!), steps[i]));
      const s = await stream.readState();
      return s.c ? [...outs, s.h, s.c] : [...outs, s.h];
    };
    const want = await withModel(ctx.oracle, c.spec, c.params, async (model) => {
      await using stream = await model.stream(open);
      return await run(stream);
    });
    fc.pre(want.every(isTame));
    const got = await withModel(ctx.backend, c.spec, c.params, async (model) => {
      await using stream = await model.stream(open);
      return await run(stream);
    });
    const chunks = bounds.length - 1;
    want.forEach((w, i) =>
      meter.close(
        i < chunks ? `chunk ${i} output (${JSON.stringify(steps[i])})` : i === chunks ? 'final h' : 'final c',
        got[i],
        w,
      ),
    );
  },
});
