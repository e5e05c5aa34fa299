import type { CarriedState, RnnState, RnnTrainer, TrainStepResult } from '@deeprnn/core';
import { oneHotTimeMajor, targetsTimeMajor } from './one-hot.js';
import type { Minibatch } from './partition.js';

/**
 * One step of truncated BPTT on a language model: one-hot input and next-token targets (time-major),
 * then the backend's trainer runs forward, head, loss, backward, clipping and update where the weights
 * live.
 *
 * @param vocabSize - the input width (one-hot over the vocabulary).
 * @param initial - the state carried from the previous minibatch (sequential partition), or undefined for zeros.
 */
export function trainStep(
  trainer: RnnTrainer,
  vocabSize: number,
  batch: Minibatch,
  initial: RnnState | CarriedState | undefined,
  dropoutSeed: number,
): Promise<TrainStepResult> {
  return trainer.step({
    input: oneHotTimeMajor(batch.X, batch.batch, batch.steps, vocabSize),
    targets: targetsTimeMajor(batch.Y, batch.batch, batch.steps),
    ...(initial ? { initial } : {}),
    dropoutSeed,
  });
}
