import type { OptimizerOptions, OptimizerState, RnnState } from '@deeprnn/core';
import { type LmConfig, type LmParams, initLmParams, lmSpec } from './lm-model.js';
import { initialOptimizerState } from './optimizer.js';
import type { Partition } from './partition.js';

/** The recipe of a training run; everything that decides its numbers. */
export interface TrainConfig {
  readonly model: LmConfig;
  readonly epochs: number;
  readonly optimizer: OptimizerOptions;
  /** Rows per minibatch (d2l: 32). */
  readonly batch: number;
  /** Time steps per minibatch (d2l: 35). */
  readonly steps: number;
  readonly partition: Partition;
  /**
   * Global-norm gradient clipping threshold (d2l: 1); null turns it off. Checkpoints before the
   * rename stored it as `clipTheta`, which `loadCheckpoint` still reads.
   */
  readonly gradClipNorm: number | null;
  readonly seed: number;
}

/** One finished epoch. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** exp(mean cross-entropy over the epoch's tokens). */
  readonly perplexity: number;
  readonly tokensPerSec: number;
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
  readonly tokens: number;
  /** Training seconds spent on this epoch so far. */
  readonly seconds: number;
}

/** Everything a checkpoint holds: the run is a pure function of this and the corpus. */
export interface TrainingState {
  readonly config: TrainConfig;
  /** Vocabulary tokens by index. */
  readonly vocab: readonly string[];
  readonly params: LmParams;
  readonly optimizerState: OptimizerState;
  /** Hidden state carried to the next minibatch (sequential partition), undefined for zeros. */
  readonly carried: RnnState | undefined;
  readonly progress: TrainProgress;
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
