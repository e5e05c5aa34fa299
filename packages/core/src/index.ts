export {
  ACTIVATION_DEFAULTS,
  ACTIVATION_NAMES,
  RECURRENT_OPERATOR_ACTIVATIONS,
  type Activation,
  type ActivationFn,
  type ActivationName,
  activationFn,
  normalizeActivation,
  sigmoid,
  usesAlpha,
  usesBeta,
} from './activation.js';
export type {
  Backend,
  Capabilities,
  ForwardOptions,
  ForwardResult,
  GradOutput,
  ParamGrads,
  RnnModel,
  RnnState,
} from './backend.js';
export type { RunStats } from './run-stats.js';
export { type TrainingBackend, isTrainingBackend, trainingRefusal } from './training-support.js';
export {
  MAX_SIZE,
  RNN_MODES,
  type RnnConfig,
  type RnnMode,
  type RnnSpec,
  activationCount,
  defaultActivations,
  defineSpec,
  sameActivations,
  directionCount,
  gateCount,
  layerInputSize,
  outputSize,
  specToConfig,
  storedLayer,
  storedLayerCount,
} from './config.js';
export {
  BackendDisposedError,
  DeviceError,
  BackendInitError,
  ConfigError,
  FormatError,
  ParameterError,
  RnnError,
  ShapeError,
  SizeLimitError,
  UnknownBackendError,
  UnsupportedError,
} from './errors.js';
export {
  type CallShape,
  cellStateShape,
  checkForwardArgs,
  checkGradOutput,
  hiddenStateShape,
  outputShape,
} from './io-shapes.js';
export { swapLeadingAxes } from './layout.js';
export {
  type InitParamsOptions,
  type ParamKind,
  type ParamSlot,
  type ParamSource,
  type RnnParams,
  type ValidateParamsOptions,
  initParams,
  paramKey,
  paramLayout,
  paramsToDType,
  parameterBytes,
  parameterCount,
  validateParams,
} from './params.js';
export { SeededRandom } from './rng.js';
export type { RnnStream, StepOptions, StreamOptions } from './stream.js';
export { type StreamEngine, type StreamOwner, openStream } from './stream-base.js';
export {
  type StepCall,
  checkStepArgs,
  checkStreamOptions,
  checkStreamSpec,
  checkStreamState,
  streamStateShapes,
} from './stream-checks.js';
export { forwardStream } from './stream-forward.js';
export {
  type DecodeCall,
  type DecodeHead,
  MAX_DECODE_STEPS,
  checkDecodeArgs,
  decodeOnHost,
  greedyToken,
} from './stream-decode.js';
export { HostStreamState } from './stream-host-state.js';
export { DEFAULT_MAX_BYTES, bytesPerElement, checkBytes, forwardWorkingBytes } from './size-limit.js';
export { hasVulkanLoader } from './vulkan-loader.js';
export {
  type DType,
  type Tensor,
  type TypedArrayFor,
  firstNonFinite,
  formatShape,
  fromArray,
  sameShape,
  sizeOf,
  tensor,
  toDType,
  zeros,
} from './tensor.js';
export {
  type Comparison,
  type GoldenCase,
  type GoldenRun,
  type Tolerance,
  GOLDEN_TOLERANCE,
  compareTensors,
  parseGoldenCase,
  parseJsonTensor,
} from './golden.js';
export { type GoldenResult, checkGoldenCase } from './golden-check.js';
export { type ReferenceBackendOptions, createReferenceBackend } from './reference/reference-backend.js';
export {
  type SafetensorsContent,
  type SafetensorsDType,
  type WriteSafetensorsOptions,
  readSafetensors,
  writeSafetensors,
} from './safetensors.js';
export { bf16BitsToNumber, f16BitsToNumber, float32ToBf16Bits, float32ToF16Bits } from './safetensors-half.js';
export { roundParamsToFloat16, roundToFloat16 } from './half-params.js';
export { type FloatArray, matmulAccumulate, transpose } from './reference/matmul.js';
export { softmaxCrossEntropyRow } from './reference/softmax-cross-entropy.js';
export { dropoutMasks } from './reference/run-stack.js';
export {
  type CarriedState,
  HEAD_PARAM_NAMES,
  type HeadParams,
  type OptimizerName,
  type OptimizerOptions,
  type OptimizerState,
  type RnnTrainer,
  type TrainBatch,
  type TrainStepResult,
  type TrainerInit,
  type TrainerParams,
} from './trainer.js';
export { type AdamMoments, clipGlobalNorm, updateParameter } from './training/host-optimizer.js';
export { type HeadGradients, softmaxHeadGradients } from './training/softmax-head.js';
export {
  checkOptimizerState,
  checkRestoredParams,
  checkTrainBatch,
  checkTrainerInit,
  isCarriedState,
  trainedShapes,
  trainerBytes,
} from './training/trainer-checks.js';
