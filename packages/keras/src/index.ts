/**
 * @deeprnn/keras: TensorFlow.js (tfjs-layers) and Keras recurrent models in and out of deeprnn.
 * Browser-safe; file-system helpers are in `@deeprnn/keras/node`.
 *
 * @packageDocumentation
 */
export type {
  DenseActivation,
  KerasDense,
  KerasEmbedding,
  KerasImport,
  KerasInitialState,
  MergeMode,
} from './types.js';
export {
  type ImportOptions,
  type TfjsArtifacts,
  importTfjsArtifacts,
  importTfjsLayers,
  loadTfjsLayers,
} from './import-tfjs.js';
export type { LayerConfig } from './config-fields.js';
export { type LayerWeights, importKerasConfig } from './import-model.js';
export { type PredictKerasOptions, predictKeras } from './predict.js';
export { type QuantizationDType, type WeightSpec, type WeightsGroup, decodeWeights } from './weights-manifest.js';
export { type EncodedWeight, encodeWeight } from './quantize.js';
export { type ExportTfjsOptions, type TfjsExport, exportTfjsLayers, tfjsLayersUnsupported } from './export-tfjs.js';
export { importKerasFile } from './keras-file.js';
export { type KerasReadLimits, MAX_KERAS_JSON_BYTES } from './read-limits.js';
