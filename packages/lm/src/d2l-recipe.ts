import type { RnnMode } from '@deeprnn/core';
import type { TrainConfig } from './training-state.js';

/**
 * The recipe of d2l's character language model (Dive into Deep Learning, "RNNs from scratch" and
 * "Deep RNNs", on The Time Machine), the defaults of `deeprnn train`, the playground's experiment and
 * the training bench: one place, so that they cannot drift apart.
 */
export const D2L_RECIPE: {
  /** The Time Machine's characters: 26 letters, space, `<unk>`. */
  readonly vocabSize: 28;
  /** Hidden units of the RNN. */
  readonly hiddenSize: 256;
  /** Rows per minibatch. */
  readonly batch: 32;
  /** Time steps per minibatch (truncated BPTT). */
  readonly steps: 35;
  /** SGD with learning rate 1. */
  readonly optimizer: {
    /** Plain SGD, no momentum. */
    readonly name: 'sgd';
    /** Learning rate. */
    readonly lr: 1;
  };
  /** Global-norm gradient clipping threshold. */
  readonly gradClipNorm: 1;
  /** Minibatches are consecutive slices, so state carries from one to the next. */
  readonly partition: 'sequential';
  /** Passes over the corpus. */
  readonly epochs: 500;
  /** d2l trains on the first 10000 characters of the corpus. */
  readonly maxTokens: 10000;
  /** Seed of the run: initial weights, minibatch draws and dropout masks. */
  readonly seed: 0;
} = Object.freeze({
  vocabSize: 28,
  hiddenSize: 256,
  batch: 32,
  steps: 35,
  optimizer: Object.freeze({ name: 'sgd', lr: 1 } as const),
  gradClipNorm: 1,
  partition: 'sequential',
  epochs: 500,
  maxTokens: 10000,
  seed: 0,
} as const);

/** What {@link d2lTrainConfig} may change from {@link D2L_RECIPE}. */
export interface D2lModelChoice {
  /** The recurrent cell. */
  readonly mode: RnnMode;
  /** Vocabulary size: the one-hot input width and the head's classes. */
  readonly vocabSize: number;
  /** Stacked RNN layers. */
  readonly numLayers: number;
  /** Default {@link D2L_RECIPE}.hiddenSize. */
  readonly hiddenSize?: number;
  /** Default {@link D2L_RECIPE}.epochs. */
  readonly epochs?: number;
}

/**
 * The training config of d2l's recipe for one model.
 *
 * @param choice - the cell, the vocabulary, the depth and optionally width and epochs.
 * @returns a {@link TrainConfig} with SGD lr 1, batch 32, 35 steps, sequential partition, clipping at 1, seed 0.
 * @example
 * ```ts
 * const config = d2lTrainConfig({ mode: 'gru', vocabSize: corpus.vocab.size, numLayers: 2 });
 * ```
 */
export function d2lTrainConfig(choice: D2lModelChoice): TrainConfig {
  const r = D2L_RECIPE;
  return {
    model: {
      mode: choice.mode,
      vocabSize: choice.vocabSize,
      hiddenSize: choice.hiddenSize ?? r.hiddenSize,
      numLayers: choice.numLayers,
    },
    epochs: choice.epochs ?? r.epochs,
    optimizer: { ...r.optimizer },
    batch: r.batch,
    steps: r.steps,
    partition: r.partition,
    gradClipNorm: r.gradClipNorm,
    seed: r.seed,
  };
}
