import type { Backend, RnnMode } from '@deeprnn/core';
import {
  type Corpus,
  D2L_RECIPE,
  type EpochRecord,
  type LanguageModel,
  type TrainConfig,
  type TrainingState,
  Vocab,
  d2lTrainConfig,
  epochBatches,
  generate,
  initialTrainingState,
  lmSpec,
  trainLoop,
} from '@deeprnn/lm';

/** The knobs the page exposes; everything else is d2l's recipe. */
export interface ExperimentSettings {
  readonly mode: RnnMode;
  readonly hidden: number;
  readonly layers: readonly number[];
  readonly epochs: number;
}

/** What the experiment reports while it runs. */
export interface ExperimentHooks {
  readonly signal: AbortSignal;
  /** After each minibatch of a depth. */
  readonly onStep?: (layers: number, epoch: number, batch: number, batches: number) => void;
  /** After each epoch of a depth, with the model at that point (sample from it here). */
  readonly onEpoch?: (layers: number, record: EpochRecord, model: LanguageModel) => void | Promise<void>;
}

/** One depth's outcome. */
export interface DepthOutcome {
  readonly layers: number;
  readonly history: readonly EpochRecord[];
  readonly model: LanguageModel;
  readonly aborted: boolean;
}

/** d2l's recipe (lm's `d2lTrainConfig`: SGD lr 1, batch 32, 35 steps, sequential, clipping at 1, seed 0) at one depth. */
export function d2lRecipe(s: ExperimentSettings, layers: number, vocabSize: number): TrainConfig {
  return d2lTrainConfig({ mode: s.mode, vocabSize, hiddenSize: s.hidden, numLayers: layers, epochs: s.epochs });
}

/** The model a training state holds. */
export function modelOf(state: TrainingState): LanguageModel {
  return { spec: lmSpec(state.config.model), vocab: new Vocab(state.vocab), params: state.params };
}

/** Minibatches per epoch of the recipe on `corpus` (0: the corpus is too short). */
export function batchesPerEpoch(corpus: Corpus, config: TrainConfig): number {
  return epochBatches(config.partition, corpus.ids, config.batch, config.steps, config.seed, 0).length;
}

/**
 * Trains one model per depth on `backend`, side by side (the depths take turns at every await, so
 * both curves grow together), with lm's `trainLoop` (the backend's own trainer). Stops after the minibatch
 * in progress when `hooks.signal` aborts.
 */
export async function runExperiment(
  backend: Backend,
  corpus: Corpus,
  s: ExperimentSettings,
  hooks: ExperimentHooks,
): Promise<DepthOutcome[]> {
  const first = d2lRecipe(s, s.layers[0] ?? 1, corpus.vocab.size);
  const batches = batchesPerEpoch(corpus, first);
  if (batches === 0)
    throw new Error(
      `the corpus (${corpus.ids.length} characters) is too short for batch ${D2L_RECIPE.batch} × ${D2L_RECIPE.steps} steps`,
    );
  return Promise.all(
    s.layers.map(async (layers) => {
      const config = d2lRecipe(s, layers, corpus.vocab.size);
      const { state, aborted } = await trainLoop(
        backend,
        corpus.ids,
        initialTrainingState(config, corpus.vocab.tokens),
        {
          signal: hooks.signal,
          onStep: (r) => hooks.onStep?.(layers, r.epoch, r.batchIndex, r.batchesPerEpoch),
          onEpoch: (record, st) => hooks.onEpoch?.(layers, record, modelOf(st)),
        },
      );
      return { layers, history: state.history, model: modelOf(state), aborted };
    }),
  );
}

/**
 * A sample of `chars` characters after `prefix` (greedy, as d2l's predict_ch8), each passed to
 * `onChar` as it is chosen (awaited: the page yields there to paint).
 */
export function sample(
  backend: Backend,
  model: LanguageModel,
  prefix: string,
  chars: number,
  onChar?: (char: string) => void | Promise<void>,
): Promise<string> {
  return generate(backend, model, prefix, { chars, ...(onChar ? { onChar } : {}) });
}
