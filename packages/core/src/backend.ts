import type { RnnMode, RnnSpec } from './config.js';
import type { RnnParams } from './params.js';
import type { RnnStream, StreamOptions } from './stream.js';
import type { DType, Tensor } from './tensor.js';
import type { RunStats } from './run-stats.js';
import type { RnnTrainer, TrainerInit } from './trainer.js';

/** Initial or final recurrent state: `h` [L*D, B, Hout] and, for LSTM, `c` [L*D, B, H] (no B when unbatched). */
export interface RnnState {
  /** Hidden state `[L*D, B, Hout]` (`[L*D, Hout]` unbatched), layer-major, forward before reverse. */
  readonly h: Tensor;
  /** LSTM cell state `[L*D, B, H]` (`[L*D, H]` unbatched); absent for the other modes. */
  readonly c?: Tensor;
}

/** Per-call options of {@link RnnModel.forward}. */
export interface ForwardOptions {
  /**
   * Valid steps of each sequence (one per batch row, each in [0, T]). Outputs past a sequence's
   * length are zero, its final state is the state at its last valid step, and the reverse direction
   * starts there (ONNX `sequence_lens`, PyTorch packed sequences).
   */
  readonly lengths?: ArrayLike<number>;
  /**
   * Reject NaN and infinities in the input and initial state before running. Default false: then
   * NaN in gives NaN out where PyTorch gives NaN (README, "NaN and infinity").
   */
  readonly checkFinite?: boolean;
  /** Refuse (SizeLimitError) a call whose working memory would exceed this many bytes. Default 2 GiB. */
  readonly maxBytes?: number;
  /** Training mode: applies `spec.dropout` between layers. Default false (inference). */
  readonly training?: boolean;
  /** Seed of the dropout mask in training mode, so a step can be replayed exactly. Default 0. */
  readonly dropoutSeed?: number;
}

/** What {@link RnnModel.forward} returns: the top layer's output and every layer's final state. */
export interface ForwardResult {
  /** `[T, B, D*Hout]` (`[B, T, D*Hout]` when batchFirst, `[T, D*Hout]` unbatched). */
  readonly output: Tensor;
  /** Final state of every layer and direction: h, and c for LSTM. */
  readonly state: RnnState;
}

/** Upstream gradients for {@link RnnModel.gradients}; an absent entry means zero. */
export interface GradOutput {
  /** dLoss/dOutput, shaped like {@link ForwardResult.output}. */
  readonly output?: Tensor;
  /** dLoss/dh of the final hidden state, shaped like the final `h`. */
  readonly h?: Tensor;
  /** LSTM only: dLoss/dc of the final cell state, shaped like the final `c`. */
  readonly c?: Tensor;
}

/** Gradients of a loss with respect to every parameter, the input and the initial state. */
export interface ParamGrads {
  /** dLoss/dparameter for every parameter, under the same names and shapes as the model's parameters. */
  readonly params: RnnParams;
  /** dLoss/dInput, shaped like the input. */
  readonly input: Tensor;
  /** dLoss/dh0 (and dLoss/dc0 for LSTM), shaped like the initial state (zeros given when it was absent). */
  readonly initial: RnnState;
}

/** What a backend can do; data that conformance checks. */
export interface Capabilities {
  /** The cells it runs. */
  readonly modes: readonly RnnMode[];
  /**
   * The one answer to "can it train?": true exactly when the backend has `createTrainer` and
   * `unsupportedTraining` and its models have `gradients`. Which specs train is then
   * `unsupportedTraining(spec)`'s answer (see {@link trainingRefusal}).
   */
  readonly training: boolean;
  /** The element types its models compute in. */
  readonly dtypes: readonly DType[];
  /**
   * Where present, the precision the models hold their weights in: a model computes with every
   * parameter rounded to it (nearest, ties to even), so `tolerance` is measured against the
   * float64 reference run on the rounded parameters. Absent: weights are held in the compute dtype.
   */
  readonly weightStorage?: 'float16';
  /** Agreement with the float64 reference: |got - want| <= atol + rtol * |want|. */
  readonly tolerance: {
    /** Tolerance relative to |want|. */
    readonly rtol: number;
    /** Absolute tolerance. */
    readonly atol: number;
  };
}

/** A compiled model: weights uploaded, session built. Holds device memory until disposed. */
export interface RnnModel extends AsyncDisposable {
  /** The spec the model was created for. */
  readonly spec: RnnSpec;
  /**
   * Runs the stacked RNN.
   *
   * @param input - `[T, B, I]`, `[B, T, I]` (batchFirst) or unbatched `[T, I]`.
   * @param initial - h0 (and c0 for LSTM); absent means zeros.
   * @throws {@link ShapeError} on a wrong input, state or lengths, before any work starts.
   * @throws {@link BackendDisposedError} after `dispose()`.
   */
  forward(input: Tensor, initial?: RnnState, options?: ForwardOptions): Promise<ForwardResult>;
  /** The last forward's device work, on backends that count it (WebGPU); null before the first call. */
  readonly lastRunStats?: RunStats | null;
  /** Backpropagation through time; present exactly when the backend can train. */
  gradients?(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options?: ForwardOptions,
  ): Promise<ParamGrads>;
  /**
   * Opens a stream: step-by-step inference with the state kept where this backend keeps its tensors
   * between `step` calls. Streaming any split of a sequence equals one `forward` over all of it.
   *
   * @param options - batch size, start state, memory limit per step.
   * @returns the stream; dispose it (or the model) to free its state.
   * @throws {@link UnsupportedError} for a bidirectional spec (its reverse direction needs the whole sequence).
   * @throws {@link ShapeError} on a bad batch size or initial state.
   * @throws {@link BackendDisposedError} after `dispose()`.
   */
  stream(options?: StreamOptions): Promise<RnnStream>;
  /** Frees native memory. Safe to call twice; later use throws `BackendDisposedError`. */
  dispose(): Promise<void>;
}

/** A way to run stacked RNNs: the reference, ONNX Runtime, TensorFlow.js. */
export interface Backend extends AsyncDisposable {
  /** Stable id used in reports, e.g. `onnxruntime`. */
  readonly name: string;
  /** What it really runs on: 'cpu', 'wasm', 'webgpu (llvmpipe)', 'cuda:0'. */
  readonly device: string;
  /** What it runs and trains, and how close to the float64 reference it must agree. */
  readonly capabilities: Capabilities;
  /**
   * Why better engines or providers were passed over while starting, one line each (empty when
   * none were): what to install or configure to get them. The CLI prints them once on stderr.
   */
  readonly notices: readonly string[];
  /** Why this backend cannot run `spec`, or null when it can. */
  unsupported(spec: RnnSpec): string | null;
  /**
   * Why this backend cannot train `spec` (`createTrainer`, `model.gradients`) although it runs it, or
   * null when it can. Present exactly when `capabilities.training` is true (with `createTrainer`).
   */
  unsupportedTraining?(spec: RnnSpec): string | null;
  /**
   * Uploads weights / builds the session once.
   *
   * @throws {@link ParameterError} when `params` do not match `spec`.
   * @throws {@link UnsupportedError} when {@link Backend.unsupported} says why not.
   */
  createModel(spec: RnnSpec, params: RnnParams): Promise<RnnModel>;
  /**
   * Starts training `spec` where this backend runs: parameters, optimizer state and head stay on the
   * backend between steps. Present exactly when `capabilities.training` is true.
   *
   * @throws {@link ParameterError} when the parameters, head or optimizer state do not match `spec`.
   * @throws {@link UnsupportedError} when {@link Backend.unsupported} or
   *   {@link Backend.unsupportedTraining} says why not.
   */
  createTrainer?(spec: RnnSpec, init: TrainerInit): Promise<RnnTrainer>;
  /**
   * Frees what the backend holds (native sessions, device, the models it tracks). Safe to call twice;
   * later calls on it throw `BackendDisposedError`.
   */
  dispose(): Promise<void>;
}
