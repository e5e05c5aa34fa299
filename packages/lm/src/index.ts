export { writeFileAtomic } from './atomic-write.js';
export { type TrainStepBenchOptions, type TrainStepTiming, timeTrainStep } from './bench.js';
export { CHECKPOINT_KEY, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export {
  TIME_MACHINE_FILE,
  TIME_MACHINE_SHA1,
  TIME_MACHINE_URL,
  type TimeMachineOptions,
  defaultCacheDir,
  readCorpus,
  sha1Hex,
  timeMachine,
} from './corpus.js';
export { type DepthExperimentOptions, type DepthRun, depthExperiment } from './depth.js';
export { type GenerateOptions, generate } from './generate.js';
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
export { type LmTrainerStart, createLmTrainer, fromTrainerParams, readLmTrainer, toTrainerParams } from './lm-trainer.js';
export { initialOptimizerState } from './optimizer.js';
export { type Minibatch, type Partition, epochBatches, epochRandom, randomBatches, sequentialBatches } from './partition.js';
export { type CurvePoint, perplexitySpec, renderPlot } from './plot.js';
export { type Corpus, charTokens, loadCorpus } from './preprocess.js';
export { type LanguageModel, MODEL_FILES, loadModel, saveModel } from './saved-model.js';
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
