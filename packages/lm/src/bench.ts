import { type Backend, type RnnMode, type RunStats, SeededRandom } from '@deeprnn/core';
import { D2L_RECIPE } from './d2l-recipe.js';
import { createLmTrainer } from './lm-trainer.js';
import { initLmParams, lmSpec } from './lm-model.js';
import { initialOptimizerState } from './optimizer.js';
import type { Minibatch } from './partition.js';
import { trainStep } from './train-step.js';

/** What {@link timeTrainStep} measures; defaults are the d2l recipe. */
export interface TrainStepBenchOptions {
  /** The backend whose trainer is timed. */
  readonly backend: Backend;
  /** The cell. Default rnn_tanh. */
  readonly mode?: RnnMode;
  /** Stacked layers. Default 1. */
  readonly numLayers?: number;
  /** Default 256. */
  readonly hidden?: number;
  /** Default 32. */
  readonly batch?: number;
  /** Default 35. */
  readonly steps?: number;
  /** Default 28 (The Time Machine's characters). */
  readonly vocab?: number;
  /** Timed steps, default 5. */
  readonly repeats?: number;
  /**
   * Untimed steps first, default 3 (as tools/bench/torch_bench.py): the first steps pay for JIT
   * compilation and the engine's caches (on tfjs wasm the first three run 1.2x to 2.5x slower).
   */
  readonly warmup?: number;
}

/** Timing of one training step. */
export interface TrainStepTiming {
  /** Median wall time of a step: forward, head and loss, backward, clipping and the SGD update, loss read back. */
  readonly msPerStep: number;
  /** Tokens per second at the median step: batch * steps / msPerStep. */
  readonly tokensPerSec: number;
  /** Timed steps the median is over. */
  readonly repeats: number;
  /** The last step's device work, when the backend's trainer counts it (dispatches, bytes read back). */
  readonly stepStats?: RunStats;
}

/**
 * Times one full training step (forward, head and loss, backward, global-norm clipping, SGD update)
 * of a character LM on random tokens, for `deeprnn bench --train`.
 *
 * @example
 * ```ts
 * const { tokensPerSec } = await timeTrainStep({ backend: createReferenceBackend(), numLayers: 3 });
 * ```
 */
export async function timeTrainStep(o: TrainStepBenchOptions): Promise<TrainStepTiming> {
  const batch = o.batch ?? D2L_RECIPE.batch;
  const steps = o.steps ?? D2L_RECIPE.steps;
  const V = o.vocab ?? D2L_RECIPE.vocabSize;
  const repeats = o.repeats ?? 5;
  const warmup = o.warmup ?? 3;
  const spec = lmSpec({
    mode: o.mode ?? 'rnn_tanh',
    vocabSize: V,
    hiddenSize: o.hidden ?? D2L_RECIPE.hiddenSize,
    numLayers: o.numLayers ?? 1,
  });
  const params = initLmParams(spec, V, 0);
  const rng = new SeededRandom(1);
  const X = Int32Array.from({ length: batch * steps }, () => Math.floor(rng.nextFloat() * V));
  const Y = Int32Array.from({ length: batch * steps }, () => Math.floor(rng.nextFloat() * V));
  const mb: Minibatch = { X, Y, batch, steps };
  const times: number[] = [];
  await using trainer = await createLmTrainer(o.backend, spec, {
    params,
    optimizer: { ...D2L_RECIPE.optimizer },
    optimizerState: initialOptimizerState(),
    gradClipNorm: D2L_RECIPE.gradClipNorm,
  });
  for (let i = 0; i < warmup + repeats; i++) {
    const t0 = performance.now();
    await trainStep(trainer, V, mb, undefined, i);
    if (i >= warmup) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  const stats = trainer.lastStepStats ?? undefined;
  return {
    msPerStep: ms,
    tokensPerSec: (batch * steps) / (ms / 1000),
    repeats,
    ...(stats ? { stepStats: stats } : {}),
  };
}
