import {
  type Backend,
  type ForwardResult,
  type RnnParams,
  SeededRandom,
  type Tensor,
  type Tolerance,
  tensor,
} from '@deeprnn/core';
import fc from 'fast-check';
import { closeness } from './measure.js';
import type { ForwardCase } from './recipe.js';
import { runCase } from './run-model.js';

/** Relative size of the nudge: a few float32 roundings (2^-24 is half an ulp at 1). */
const NUDGE = 4 * 2 ** -24;

/** How much of the tolerance a float32-sized nudge of the inputs may use before the case is discarded. */
const BUDGET = 0.25;

/**
 * Relative size of the two uniform nudges (every value scaled by 1 + s and by 1 - s): they move each
 * pre-activation by about 2s of its size in opposite directions, so a value sitting on an activation's
 * discontinuity (ThresholdedRelu at alpha, Relu at 0) crosses it in one of them. Random nudges alone
 * miss such crossings half of the time.
 */
const UNIFORM_NUDGE = 16 * 2 ** -24;

/** A nudge: one factor per element, drawn or fixed. */
type Nudge = (rng: SeededRandom) => number;

const RANDOM: Nudge = (rng) => 1 + NUDGE * (2 * rng.nextFloat() - 1);
const UP: Nudge = () => 1 + UNIFORM_NUDGE;
const DOWN: Nudge = () => 1 - UNIFORM_NUDGE;

function nudge(t: Tensor, rng: SeededRandom, factor: Nudge): Tensor {
  const data = Float64Array.from(t.data);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * factor(rng);
  return tensor(data, t.shape);
}

function nudgeParams(params: RnnParams, rng: SeededRandom, factor: Nudge): RnnParams {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) out[name] = nudge(t, rng, factor);
  return out;
}

/**
 * Discards (fast-check precondition) a case whose exact answer moves by more than a quarter of the
 * tolerance when its weights, input and state move by a few float32 roundings. Such a case is
 * ill-conditioned: any correct float32 backend may miss the float64 answer by more than the tolerance
 * (backward error analysis: float32 arithmetic computes the exact answer of slightly perturbed data).
 */
export async function requireWellConditioned(
  oracle: Backend,
  c: ForwardCase,
  want: ForwardResult,
  tol: Tolerance,
): Promise<void> {
  const rng = new SeededRandom(c.recipe.inputSeed ^ 0x5bd1e995);
  const budget = { rtol: tol.rtol * BUDGET, atol: tol.atol * BUDGET };
  for (const factor of [RANDOM, UP, DOWN]) {
    const n = (t: Tensor): Tensor => nudge(t, rng, factor);
    const initial = c.initial
      ? c.initial.c
        ? { h: n(c.initial.h), c: n(c.initial.c) }
        : { h: n(c.initial.h) }
      : undefined;
    const moved = await runCase(
      oracle,
      { ...c, params: nudgeParams(c.params, rng, factor) },
      { input: n(c.input), initial },
    );
    const pairs: [Tensor | undefined, Tensor | undefined][] = [
      [moved.output, want.output],
      [moved.state.h, want.state.h],
      [moved.state.c, want.state.c],
    ];
    fc.pre(pairs.every(([m, w]) => !m || !w || closeness(m, w, budget).pass));
  }
}
