/**
 * The Node entry of @deeprnn/lm: everything in the main entry plus what needs the file system or native
 * modules (the corpus download cache, checkpoints, saved models, atomic writes, plots, the depth experiment).
 *
 * @packageDocumentation
 */
export * from './index.js';
export { writeFileAtomic } from './atomic-write.js';
export { type ReadLimit, readFileWithin, readTextWithin } from './bounded-read.js';
export { CHECKPOINT_KEY, type ReadModelOptions, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export {
  type ReadCorpusOptions,
  TIME_MACHINE_FILE,
  TIME_MACHINE_SHA1,
  TIME_MACHINE_URL,
  type TimeMachineOptions,
  bundledCorpusPath,
  defaultCacheDir,
  readCorpus,
  sha1Hex,
  timeMachine,
} from './corpus.js';
export { type DepthExperimentOptions, type DepthRun, depthExperiment } from './depth.js';
export { type CurvePoint, perplexitySpec, renderPlot } from './plot.js';
export { type LanguageModel, MODEL_FILES, loadModel, saveModel } from './saved-model.js';
