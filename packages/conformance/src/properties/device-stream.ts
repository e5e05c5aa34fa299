import fc from 'fast-check';
import { type RnnStream, type Tensor, swapLeadingAxes, tensor } from '@deeprnn/core';
import { callArbitrary } from '../arbitrary-case.js';
import { SIZE_LIMITS, configArbitrary } from '../arbitrary-spec.js';
import { concat, slice } from '../axis-ops.js';
import { type ConformanceProperty, defineProperty } from '../property.js';
import { type CaseRecipe, materialize } from '../recipe.js';
import { forwardCase, requireTame, withModel } from '../run-model.js';

interface DeviceStreamCase {
  readonly recipe: CaseRecipe;
  /** Where the sequence is cut, or 'singles' for one step per call (given as `[B, I]`, no step axis). */
  readonly cuts: readonly number[] | 'singles';
  /** After which chunk a `forward` on the same model runs between two steps. */
  readonly forwardAfter: number;
}

/** Chunk bounds [0, …, T]: the drawn cuts inside (0, T), or every step. */
function chunkBounds(T: number, cuts: readonly number[] | 'singles'): number[] {
  if (cuts === 'singles') return Array.from({ length: T + 1 }, (_, t) => t);
  const inside = [...new Set(cuts.filter((k) => k > 0 && k < T))].sort((a, b) => a - b);
  return [0, ...inside, T];
}

/** A `[B, T, F]` tensor as `[T, B, F]` (batch-first specs), or the tensor itself. */
function toTimeMajor(t: Tensor, isBatchFirst: boolean): Tensor {
  if (!isBatchFirst) return t;
  const [B, T, F] = t.shape as [number, number, number];
  return tensor(swapLeadingAxes(t.data, B, T, F), [T, B, F]);
}

/**
 * The backend's own stream (`model.stream()`, state kept on its device) against one `forward` over
 * the whole sequence: any split into chunks (1-step chunks included, also as `[B, I]` single steps)
 * gives the same outputs and final state; `reset(initial)` gives a fresh stream's state and outputs;
 * a `forward` call on the same model between two steps leaves the stream untouched.
 */
export const deviceStream: ConformanceProperty = defineProperty<DeviceStreamCase>({
  name: 'device-stream',
  summary: 'model.stream(): any chunking equals one forward; reset equals fresh; survives interleaved forward calls',
  baseRuns: 30,
  skipReason: () => null,
  arbitrary: (ctx) =>
    fc.record({
      recipe: configArbitrary(ctx.backend.capabilities.modes, ctx.supports, { bidirectional: false }).chain((config) =>
        callArbitrary(config, ctx.draw, { minT: 2, lengths: 'never', allowUnbatched: false }),
      ),
      cuts: fc.oneof(
        fc.constant<'singles'>('singles'),
        fc.uniqueArray(fc.integer({ min: 1, max: SIZE_LIMITS.T - 1 }), { maxLength: 4 }),
      ),
      forwardAfter: fc.nat({ max: SIZE_LIMITS.T }),
    }),
  async check(ctx, { recipe, cuts, forwardAfter }, meter) {
    const c = materialize(recipe);
    const isBatchFirst = c.spec.batchFirst;
    const x = toTimeMajor(c.input, isBatchFirst);
    await withModel(ctx.backend, c.spec, c.params, async (model) => {
      const whole = requireTame(await forwardCase(model, c));
      const bounds = chunkBounds(recipe.T, cuts);
      const chunk = (k: number): Tensor => {
        const part = slice(x, 0, bounds[k]!, bounds[k + 1]!);
        // A 1-step chunk also goes in as [B, I], the single-step form.
        return cuts === 'singles' ? tensor(part.data, part.shape.slice(1)) : part;
      };
      const stepAll = async (stream: RnnStream, interleave: boolean): Promise<Tensor> => {
        const outs: Tensor[] = [];
        for (let k = 0; k + 1 < bounds.length; k++) {
          const y = await stream.step(chunk(k));
          outs.push(cuts === 'singles' ? tensor(y.data, [1, ...y.shape]) : y);
          if (interleave && k === Math.min(forwardAfter, bounds.length - 2)) await forwardCase(model, c);
        }
        return concat(outs, 0);
      };
      const stream = await model.stream({ batchSize: recipe.B, ...(c.initial ? { initial: c.initial } : {}) });
      try {
        meter.close('streamed output', await stepAll(stream, true), toTimeMajor(whole.output, isBatchFirst));
        const end = await stream.readState();
        meter.close('streamed hN', end.h, whole.state.h);
        meter.close('streamed cN', end.c, whole.state.c);
        // reset(initial) is a fresh stream: the same state, then the same outputs again.
        await stream.reset(c.initial);
        const again = await stream.readState();
        await using fresh = await model.stream({ batchSize: recipe.B, ...(c.initial ? { initial: c.initial } : {}) });
        const start = await fresh.readState();
        meter.close('state after reset', again.h, start.h);
        meter.close('cell state after reset', again.c, start.c);
        meter.close('output after reset', await stepAll(stream, false), await stepAll(fresh, false));
      } finally {
        await stream.dispose();
      }
    });
  },
});
