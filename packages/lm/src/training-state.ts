import type { OptimizerOptions, OptimizerState, RnnState } from '@deeprnn/core';
import { type LmConfig, type LmParams, initLmParams, lmSpec } from './lm-model.js';
import { initialOptimizerState } from './optimizer.js';
import type { Partition } from './partition.js';

/** The recipe of a training run; everything that decides its numbers. */
export interface TrainConfig {
  /** The language model: cell, vocabulary size, width and depth. */
  readonly model: LmConfig;
  /** Passes over the corpus to train for (d2l: 500). */
  readonly epochs: number;
  /** Optimizer and hyper-parameters (d2l: SGD, lr 1). */
  readonly optimizer: OptimizerOptions;
  /** Rows per minibatch (d2l: 32). */
  readonly batch: number;
  /** Time steps per minibatch (d2l: 35). */
  readonly steps: number;
  /** How each epoch's minibatches are cut from the corpus (d2l: sequential). */
  readonly partition: Partition;
  /**
   * Global-norm gradient clipping threshold (d2l: 1); null turns it off. Checkpoints before the
   * rename stored it as `clipTheta`, which `loadCheckpoint` still reads.
   */
  readonly gradClipNorm: number | null;
  /** Seeds the initial weights, each epoch's minibatch order and the dropout masks. */
  readonly seed: number;
}

/** One finished epoch. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** exp(mean cross-entropy over the epoch's tokens). */
  readonly perplexity: number;
  /** Training throughput over the epoch: tokens / training seconds. */
  readonly tokensPerSec: number;
  /** Training seconds the epoch took (summed over resumed runs). */
  readonly seconds: number;
}

/** Where a run is inside its current epoch (so a checkpoint can stop and resume anywhere). */
export interface TrainProgress {
  /** 0-based index of the epoch in progress (= epochs done). */
  readonly epoch: number;
  /** Index of the next minibatch of that epoch. */
  readonly batchIndex: number;
  /** Sum of minibatch mean losses times their token counts, so far this epoch. */
  readonly lossSum: number;
  /** Tokens trained on so far this epoch (minibatches done times batch * steps). */
  readonly tokens: number;
  /** Training seconds spent on this epoch so far. */
  readonly seconds: number;
}

/** Everything a checkpoint holds: the run is a pure function of this and the corpus. */
export interface TrainingState {
  /** The run's recipe. */
  readonly config: TrainConfig;
  /** Vocabulary tokens by index. */
  readonly vocab: readonly string[];
  /** The current weights: the RNN's and the head's. */
  readonly params: LmParams;
  /** The optimizer's step count and moments, so a resumed run continues bit-identically. */
  readonly optimizerState: OptimizerState;
  /** Hidden state carried to the next minibatch (sequential partition), undefined for zeros. */
  readonly carried: RnnState | undefined;
  /** Where the run is inside the current epoch. */
  readonly progress: TrainProgress;
  /** Every finished epoch, in order. */
  readonly history: readonly EpochRecord[];
}

/** A fresh run: initial weights from the seed, nothing trained. */
export function initialTrainingState(config: TrainConfig, vocab: readonly string[]): TrainingState {
  const spec = lmSpec(config.model);
  return {
    config,
    vocab,
    params: initLmParams(spec, config.model.vocabSize, config.seed),
    optimizerState: initialOptimizerState(),
    carried: undefined,
    progress: { epoch: 0, batchIndex: 0, lossSum: 0, tokens: 0, seconds: 0 },
    history: [],
  };
}
