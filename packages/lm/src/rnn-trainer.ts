import {
  type Backend,
  type ForwardOptions,
  type GradOutput,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  UnsupportedError,
} from '@deeprnn/core';

/** What one forward + backward pass of the RNN returns. */
export interface ForwardBackwardResult {
  readonly output: Tensor;
  readonly state: RnnState;
  /** Gradients of the loss with respect to every RNN parameter, by PyTorch name. */
  readonly paramGrads: RnnParams;
}

/** The LM's head, for trainers that run it next to the RNN (see {@link RnnTrainer.forwardBackwardWithHead}). */
export interface SoftmaxHead {
  /** `[V, F]`. */
  readonly weight: Tensor;
  /** `[V]`. */
  readonly bias: Tensor;
  /** The next token of every output row, time-major (row `t * B + b`). */
  readonly targets: Int32Array;
}

/** What a pass through the RNN and a {@link SoftmaxHead} returns. */
export interface HeadForwardBackwardResult {
  /** Mean cross-entropy over the rows. */
  readonly loss: number;
  readonly state: RnnState;
  readonly paramGrads: RnnParams;
  readonly headGrads: { readonly weight: Tensor; readonly bias: Tensor };
}

/**
 * The one thing training needs from a backend: run the RNN forward, let the caller turn the output
 * into an output gradient (the head and loss, in plain TypeScript), and backpropagate it. A backend
 * with a native training path (tfjs keeping weights on the device, or fusing the two passes) can
 * implement this directly; {@link backendTrainer} builds one from any backend whose models have
 * `gradients`.
 */
export interface RnnTrainer extends AsyncDisposable {
  forwardBackward(
    params: RnnParams,
    input: Tensor,
    initial: RnnState | undefined,
    head: (output: Tensor) => GradOutput,
    options: ForwardOptions,
  ): Promise<ForwardBackwardResult>;
  /**
   * Optional: the same pass with the linear head and softmax cross-entropy run by the trainer itself
   * (same numbers as `headForwardBackward` up to float32 rounding), so the RNN's output need not
   * leave its device. `trainStep` uses it when present.
   */
  forwardBackwardWithHead?(
    params: RnnParams,
    input: Tensor,
    initial: RnnState | undefined,
    head: SoftmaxHead,
    options: ForwardOptions,
  ): Promise<HeadForwardBackwardResult>;
  dispose(): Promise<void>;
}

/**
 * An {@link RnnTrainer} over the public Backend interface: each pass builds a model from the current
 * parameters, calls `forward`, then `gradients` with the head's output gradient.
 *
 * @throws {@link UnsupportedError} when the backend cannot train or cannot run `spec`.
 */
export function backendTrainer(backend: Backend, spec: RnnSpec): RnnTrainer {
  if (!backend.capabilities.training) {
    throw new UnsupportedError(`training: backend ${backend.name} (${backend.device}) cannot train (capabilities.training is false)`);
  }
  const why = backend.unsupported(spec);
  if (why !== null) throw new UnsupportedError(`training: backend ${backend.name} cannot run this model: ${why}`);
  return {
    async forwardBackward(params, input, initial, head, options) {
      const model = await backend.createModel(spec, params);
      try {
        if (!model.gradients) throw new UnsupportedError(`training: ${backend.name} models have no gradients()`);
        const { output, state } = await model.forward(input, initial, options);
        const grads = await model.gradients(input, initial, head(output), options);
        return { output, state, paramGrads: grads.params };
      } finally {
        await model.dispose();
      }
    },
    dispose: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
