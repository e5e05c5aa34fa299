/**
 * The browser-safe entry of @deeprnn/lm: corpus preprocessing, training, generation. What needs the file
 * system (corpus download cache, checkpoints, saved models, plots, the depth experiment) is in
 * `@deeprnn/lm/node`.
 *
 * @packageDocumentation
 */
export { type TrainStepBenchOptions, type TrainStepTiming, timeTrainStep } from './bench.js';
export { type GenerateOptions, generate } from './generate.js';
export { type HeadResult, headForwardBackward, rowLogits } from './head.js';
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
  type LmGrads,
  type OptimizerName,
  type OptimizerOptions,
  type OptimizerState,
  clipGradNorm,
  initialOptimizerState,
  optimizerStep,
} from './optimizer.js';
export { type Minibatch, type Partition, epochBatches, epochRandom, randomBatches, sequentialBatches } from './partition.js';
export { type Corpus, charTokens, loadCorpus } from './preprocess.js';
export { type ForwardBackwardResult, type HeadForwardBackwardResult, type RnnTrainer, type SoftmaxHead, backendTrainer } from './rnn-trainer.js';
export { type StepReport, type TrainHooks, type TrainOutcome, trainLoop } from './train-loop.js';
export { type TrainStepInput, type TrainStepResult, trainStep } from './train-step.js';
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
