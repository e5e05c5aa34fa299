import type { ForwardOptions, RnnState } from './backend.js';
import type { RnnParams } from './params.js';
import type { RunStats } from './run-stats.js';
import type { Tensor } from './tensor.js';

/** The optimizers a trainer offers. */
export type OptimizerName = 'sgd' | 'adam';

/**
 * An optimizer's hyper-parameters. SGD: p -= lr g, no momentum (d2l's `sgd`, the loss being a mean
 * already). Adam: Kingma & Ba with bias correction, as `torch.optim.Adam` (defaults 0.9, 0.999, 1e-8).
 */
export interface OptimizerOptions {
  /** Which optimizer. */
  readonly name: OptimizerName;
  /** Learning rate. */
  readonly lr: number;
  /** Adam only: decay of the first moment. Default 0.9. */
  readonly beta1?: number;
  /** Adam only: decay of the second moment. Default 0.999. */
  readonly beta2?: number;
  /** Adam only: added to sqrt(v) in the denominator, for stability. Default 1e-8. */
  readonly eps?: number;
}

/**
 * An optimizer's state as the host sees it: the number of updates done and, for Adam, the moments
 * `m.<name>` and `v.<name>` of every parameter (names as in {@link TrainerParams}: the RNN's PyTorch
 * names, `head.weight`, `head.bias`). Restoring it continues a run bit-identically.
 */
export interface OptimizerState {
  /** Updates done so far (Adam's bias correction reads it). */
  readonly step: number;
  /** Adam's moments, `m.<name>` and `v.<name>` per parameter, each shaped like it; empty for SGD. */
  readonly moments: Readonly<Record<string, Tensor>>;
}

/** A linear layer over the top layer's output: logits = Y W^T + b. */
export interface HeadParams {
  /** `[classes, F]`, F = D * Hout. */
  readonly weight: Tensor;
  /** `[classes]`. */
  readonly bias: Tensor;
}

/** Names of the head's parameters in optimizer state (and nowhere else). */
export const HEAD_PARAM_NAMES: {
  /** Name of the head's weight `[classes, F]`. */
  readonly weight: 'head.weight';
  /** Name of the head's bias `[classes]`. */
  readonly bias: 'head.bias';
} = Object.freeze({
  weight: 'head.weight',
  bias: 'head.bias',
} as const);

/** Everything a trainer learns: the RNN's parameters and, when it has one, its head. */
export interface TrainerParams {
  /** The RNN's parameters, by PyTorch name. */
  readonly rnn: RnnParams;
  /** The linear head, or null when the trainer has none (the loss then comes from `gradOutput`). */
  readonly head: HeadParams | null;
}

/** What {@link Backend.createTrainer} starts from. */
export interface TrainerInit {
  /** Initial parameters; with `head`, the trainer adds a linear + softmax cross-entropy head. */
  readonly params: TrainerParams;
  /** The optimizer and its hyper-parameters. */
  readonly optimizer: OptimizerOptions;
  /** Optimizer state to resume from (a checkpoint's); default a fresh one (step 0, no moments). */
  readonly optimizerState?: OptimizerState;
  /**
   * Global-norm clipping threshold over every gradient (d2l: 1); null turns clipping off. Not
   * `spec.clip`, which clips the cell's gate pre-activations (ONNX `clip`) in forward and training.
   */
  readonly gradClipNorm: number | null;
  /**
   * Limit on what the trainer holds (parameters, their gradients and, for Adam, two moments each, in
   * float32), checked before anything is allocated. Default 2 GiB (`DEFAULT_MAX_BYTES`).
   */
  readonly maxBytes?: number;
}

/**
 * The final state of a step, kept where the trainer runs (device memory on a GPU). Pass it as the
 * next step's `initial` to carry it; read it to the host only when needed (a checkpoint). Valid until
 * the trainer's next step or dispose: a trainer keeps one carried state alive, never more.
 */
export interface CarriedState {
  /** Copies the state to the host. @throws {@link BackendDisposedError} once no longer valid. */
  read(): Promise<RnnState>;
}

/** One minibatch. */
export interface TrainBatch {
  /** `[T, B, I]` (`[B, T, I]` batchFirst, `[T, I]` unbatched), as `forward` takes it. */
  readonly input: Tensor;
  /** Initial state: zeros when absent, a host state, or the previous step's carried state. */
  readonly initial?: RnnState | CarriedState;
  /**
   * With a head: the class of every output row, in the output's row order (`t * B + b` time-major,
   * `b * T + t` batchFirst). The loss is the mean softmax cross-entropy over the rows.
   */
  readonly targets?: Int32Array;
  /**
   * Without a head: the loss is sum(output ⊙ gradOutput), so this is dLoss/dOutput, shaped like
   * the output.
   */
  readonly gradOutput?: Tensor;
  /** Seed of the step's dropout masks (core's seeded definition), so a step can be replayed. */
  readonly dropoutSeed?: number;
  /** Valid steps of each batch row, as {@link ForwardOptions.lengths}; absent: every row runs T steps. */
  readonly lengths?: ForwardOptions['lengths'];
}

/** What one step reports: two numbers read back and a handle to the state. */
export interface TrainStepResult {
  /** The loss of the minibatch, before the update. */
  readonly loss: number;
  /** Global L2 norm of every gradient before clipping. */
  readonly gradNorm: number;
  /** The step's final state, kept where the trainer runs; pass it as the next `initial` to carry it. */
  readonly state: CarriedState;
}

/**
 * A model being trained where its weights live: parameters, optimizer state, clipping threshold and
 * optional head stay on the backend between steps; the host reads two numbers per step.
 */
export interface RnnTrainer extends AsyncDisposable {
  /** The last step's device work, when the trainer counts it (absent otherwise; null before the first step). */
  readonly lastStepStats?: RunStats | null;
  /**
   * One step: forward (dropout from the step's seed), head and loss, backward, global-norm clipping,
   * optimizer update.
   *
   * @throws {@link ShapeError} on a wrong input, state, targets or gradOutput, before anything changes.
   * @throws {@link BackendDisposedError} after `dispose()`.
   */
  step(batch: TrainBatch): Promise<TrainStepResult>;
  /** Copies the current parameters to the host. */
  readParams(): Promise<TrainerParams>;
  /** Copies the optimizer state to the host. */
  readOptimizerState(): Promise<OptimizerState>;
  /**
   * Overwrites parameters and/or optimizer state (a checkpoint's), bit for bit.
   *
   * @throws {@link ParameterError} when names or shapes differ from the trainer's.
   */
  restore(snapshot: { readonly params?: TrainerParams; readonly optimizerState?: OptimizerState }): Promise<void>;
  /** Frees what the trainer holds. Safe to call twice. */
  dispose(): Promise<void>;
}
