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
export { type CurvePoint, perplexitySpec, renderPlot } from './plot.js';
export { type Corpus, charTokens, loadCorpus } from './preprocess.js';
export { type ForwardBackwardResult, type HeadForwardBackwardResult, type RnnTrainer, type SoftmaxHead, backendTrainer } from './rnn-trainer.js';
export { type LanguageModel, MODEL_FILES, loadModel, saveModel } from './saved-model.js';
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
