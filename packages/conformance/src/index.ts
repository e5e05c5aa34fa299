export { type CallConstraints, callArbitrary, caseArbitrary, lengthsArbitrary } from './arbitrary-case.js';
export {
  SIZE_LIMITS,
  type SpecConstraints,
  activationArbitrary,
  anyConfigArbitrary,
  configArbitrary,
} from './arbitrary-spec.js';
export { PROPERTIES } from './all-properties.js';
export { type BackendSource, type CheckOptions, checkBackend } from './check-backend.js';
export { type PropertyFailure, type PropertyResult, type RunSettings, checkProperty } from './check-property.js';
export { type ContextOptions, type OnnxCodec, type PropertyContext, buildContext } from './context.js';
export { formatFailure, vitestReplayCommand } from './failure-report.js';
export { type Closeness, Meter, closeness } from './measure.js';
export {
  type OnnxGraphRunner,
  type OnnxModelCheck,
  type OnnxModelCheckOptions,
  type OnnxOutputName,
  type OnnxRunOutput,
  checkOnnxModel,
} from './onnx-model-check.js';
export { type ConformanceProperty, PROPERTY_NAMES, type PropertyName, defineProperty } from './property.js';
export {
  type CaseRecipe,
  type CaseTypes,
  type ForwardCase,
  type InitialKind,
  type InputKind,
  PARAM_SCALES,
  type ParamScale,
  materialize,
} from './recipe.js';
export { ENV_VARS, type FcSettings, readSettings, scaledRuns } from './settings.js';
