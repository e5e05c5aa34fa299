/**
 * The browser-safe entry of @deeprnn/lm: corpus preprocessing, training, generation. What needs the file
 * system (corpus download cache, checkpoints, saved models, plots, the depth experiment) is in
 * `@deeprnn/lm/node`.
 *
 * @packageDocumentation
 */
export { type TrainStepBenchOptions, type TrainStepTiming, timeTrainStep } from './bench.js';
export { checkTrainingState } from './checkpoint-checks.js';
export { D2L_RECIPE, type D2lModelChoice, d2lTrainConfig } from './d2l-recipe.js';
export { type GenerateOptions, generate } from './generate.js';
export { pickToken } from './sampling.js';
export { rowLogits } from './head.js';
export {
  HEAD_BIAS,
  HEAD_WEIGHT,
  type LmConfig,
  type LmParams,
  RNN_PREFIX,
  cloneParams,
  headInputSize,
  initLmParams,
  lmSpec,
  rnnParamsOf,
} from './lm-model.js';
export { oneHotTimeMajor, targetsTimeMajor } from './one-hot.js';
export {
  type LmTrainerStart,
  createLmTrainer,
  fromTrainerParams,
  readLmTrainer,
  toTrainerParams,
} from './lm-trainer.js';
export { initialOptimizerState } from './optimizer.js';
export {
  type Minibatch,
  type Partition,
  epochBatches,
  epochRandom,
  randomBatches,
  sequentialBatches,
} from './partition.js';
export { type Corpus, charTokens, loadCorpus } from './preprocess.js';
export { type StepReport, type TrainHooks, type TrainOutcome, trainLoop } from './train-loop.js';
export { trainStep } from './train-step.js';
export {
  type EpochRecord,
  type TrainConfig,
  type TrainProgress,
  type TrainingState,
  initialTrainingState,
} from './training-state.js';
export { UNK, Vocab } from './vocab.js';
export type { LanguageModel } from './saved-model.js';
export type { CurvePoint } from './plot.js';
export { type ModelFiles, MODEL_KEY, decodeModel, encodeModel, modelFromSafetensors } from './model-bytes.js';
export { type BoundedBody, MAX_CORPUS_BYTES, MAX_JSON_BYTES, readResponseWithin } from './read-limits.js';
export { type ModelSideFiles, checkLanguageModel, checkModelSideFiles, checkVocabTokens } from './model-checks.js';
