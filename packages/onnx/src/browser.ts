/**
 * The browser entry of @deeprnn/onnx (the `browser` export condition): the main entry without the ONNX
 * backend-test directory reader (loadOnnxTestCase, readTensorFile, runOnnxTestCase: it reads files with node:fs).
 * Keep it in step with index.ts; the browser-bundle check fails on any `node:` import reachable from here.
 *
 * @packageDocumentation
 */
export { MAX_MODEL_BYTES } from './decode.js';
export { MetadataMismatchError } from './metadata-error.js';
export {
  type ExportOptions,
  type OnnxLowering,
  EXPORT_OPSETS,
  GRAPH_NAMES,
  chooseLowering,
  nodeLoweringProblem,
  exportOnnx,
} from './export.js';
export { gatesFromOnnx, gatesToOnnx, peepholesFromOnnx, peepholesToOnnx } from './gate-order.js';
export type { IoBinding, IoLayout, IoRole } from './stack-walk.js';
export { type ImportOptions, type ImportedOnnx, importOnnx } from './import.js';
export { type OpsetImport, type OpsetRange, IMPORT_OPSETS, importedOpset } from './opset-range.js';
export { CONFIG_KEY, LOWERING_KEY } from './metadata.js';
export { outputToOnnx, reverseWithinLengths, swapLeadingAxes } from './layout-convert.js';
export type { ProtoTensor } from './tensor-proto.js';
export {
  type TrainingStepOptions,
  TRAINING_KEY,
  exportGradientGraph,
  exportTrainingStep,
  trainedParameters,
} from './training/export-training-step.js';
export { type TrainingShape, TRAINING_OPSET } from './training/training-io.js';
