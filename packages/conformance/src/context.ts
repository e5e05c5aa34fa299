import {
  type Backend,
  type DType,
  type RnnParams,
  type RnnSpec,
  type Tolerance,
  createReferenceBackend,
  defineSpec,
  initParams,
  trainingRefusal,
} from '@deeprnn/core';
import type { CaseTypes } from './recipe.js';

/** ONNX export and import, injected so that conformance never depends on @deeprnn/onnx at build time. */
export interface OnnxCodec {
  /** Serializes `spec` and `params` to ONNX model bytes (`@deeprnn/onnx` `exportOnnx`). */
  exportOnnx(spec: RnnSpec, params: RnnParams): Uint8Array | Promise<Uint8Array>;
  /** Reads ONNX model bytes back into a spec and parameters (`@deeprnn/onnx` `importOnnx`). */
  importOnnx(bytes: Uint8Array):
    | {
        /** The model's validated config. */
        readonly spec: RnnSpec;
        /** The model's parameters, by PyTorch name. */
        readonly params: RnnParams;
      }
    | Promise<{
        /** The model's validated config. */
        readonly spec: RnnSpec;
        /** The model's parameters, by PyTorch name. */
        readonly params: RnnParams;
      }>;
}

/** Everything a property needs: the backend under test, the float64 oracle and the options. */
export interface PropertyContext {
  /** The backend under test. */
  readonly backend: Backend;
  /** The float64 reference backend that gives the expected values. */
  readonly oracle: Backend;
  /** The backend's declared tolerance against the oracle (its `capabilities.tolerance`). */
  readonly tolerance: Tolerance;
  /** The dtype of generated parameters and inputs (float32 when the backend takes it). */
  readonly dtype: DType;
  /** What drawn cases hold: {@link dtype}, and parameters rounded to the backend's `weightStorage`. */
  readonly draw: CaseTypes;
  /** True when the backend declares the spec's mode and `unsupported(spec)` is null. */
  readonly supports: (spec: RnnSpec) => boolean;
  /** True when the backend also trains the spec (core's `trainingRefusal` is null). */
  readonly trainSupports: (spec: RnnSpec) => boolean;
  /** Whether the oracle's models have `gradients`; gradient properties need it. */
  readonly oracleHasGradients: boolean;
  /** ONNX export/import for the round-trip property; absent skips it. */
  readonly onnx?: OnnxCodec;
  /** Makes a fresh backend of the same kind, for checks that dispose a whole backend. */
  readonly backendFactory?: () => Promise<Backend>;
}

/** Options of {@link buildContext}. */
export interface ContextOptions {
  /** ONNX export/import, for the round-trip property (skipped without it). */
  readonly onnx?: OnnxCodec;
  /** Makes a fresh backend of the same kind, for checks that dispose a whole backend. */
  readonly backendFactory?: () => Promise<Backend>;
}

async function probeGradients(oracle: Backend): Promise<boolean> {
  const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
  const model = await oracle.createModel(spec, initParams(spec, { dtype: 'float64' }));
  try {
    return typeof model.gradients === 'function';
  } finally {
    await model.dispose();
  }
}

/** Builds the context of a conformance run (creates the float64 reference oracle). */
export async function buildContext(backend: Backend, options: ContextOptions = {}): Promise<PropertyContext> {
  const oracle = createReferenceBackend({ dtype: 'float64' });
  const caps = backend.capabilities;
  const dtype: DType = caps.dtypes.includes('float32') ? 'float32' : (caps.dtypes[0] ?? 'float32');
  return {
    backend,
    oracle,
    tolerance: caps.tolerance,
    dtype,
    draw: caps.weightStorage ? { dtype, weightStorage: caps.weightStorage } : { dtype },
    supports: (spec) => caps.modes.includes(spec.mode) && backend.unsupported(spec) === null,
    trainSupports: (spec) => caps.modes.includes(spec.mode) && trainingRefusal(backend, spec) === null,
    oracleHasGradients: await probeGradients(oracle),
    ...(options.onnx ? { onnx: options.onnx } : {}),
    ...(options.backendFactory ? { backendFactory: options.backendFactory } : {}),
  };
}
