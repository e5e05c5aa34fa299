import fc from 'fast-check';
import type {
  Backend,
  ForwardOptions,
  ForwardResult,
  RnnModel,
  RnnParams,
  RnnSpec,
  RnnState,
  Tensor,
} from '@deeprnn/core';
import type { ForwardCase } from './recipe.js';

/** Creates a model, runs `fn` with it and disposes it, whatever happens. */
export async function withModel<R>(
  backend: Backend,
  spec: RnnSpec,
  params: RnnParams,
  fn: (model: RnnModel) => Promise<R>,
): Promise<R> {
  const model = await backend.createModel(spec, params);
  try {
    return await fn(model);
  } finally {
    await model.dispose();
  }
}

/** Forward options carrying only the lengths, when there are any. */
export function lengthsOption(lengths: readonly number[] | undefined): ForwardOptions {
  return lengths ? { lengths } : {};
}

/** What to run a model on; fields left out come from the case. */
export interface CallOverride {
  readonly input?: Tensor;
  readonly initial?: RnnState | undefined;
  readonly lengths?: readonly number[] | undefined;
}

/** Runs one forward call of a case (or of an override of it) on a fresh model. */
export function runCase(backend: Backend, c: ForwardCase, call: CallOverride = {}): Promise<ForwardResult> {
  return withModel(backend, c.spec, c.params, (model) => forwardCase(model, c, call));
}

/** Runs one forward call of a case on an existing model. */
export function forwardCase(model: RnnModel, c: ForwardCase, call: CallOverride = {}): Promise<ForwardResult> {
  const input = call.input ?? c.input;
  const initial = 'initial' in call ? call.initial : c.initial;
  const lengths = 'lengths' in call ? call.lengths : c.lengths;
  return model.forward(input, initial, lengthsOption(lengths));
}

/** Values beyond this magnitude mean the drawn recurrence exploded: such cases test nothing useful. */
export const TAME_LIMIT = 1e6;

function isTame(t: Tensor | undefined): boolean {
  if (!t) return true;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!;
    if (!(Math.abs(v) <= TAME_LIMIT)) return false;
  }
  return true;
}

/**
 * Discards the case (fast-check precondition) when a result exploded: unbounded activations with
 * saturating weights can grow past what float32 represents faithfully, and such a case tests nothing.
 */
export function requireTame(result: ForwardResult): ForwardResult {
  fc.pre(isTame(result.output) && isTame(result.state.h) && isTame(result.state.c));
  return result;
}

/** Runs the float64 oracle, discarding exploded cases (see {@link requireTame}). */
export async function oracleRun(oracle: Backend, c: ForwardCase, call: CallOverride = {}): Promise<ForwardResult> {
  return requireTame(await runCase(oracle, c, call));
}
