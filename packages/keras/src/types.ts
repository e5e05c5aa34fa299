import type { RnnParams, RnnSpec, Tensor } from '@deeprnn/core';

/** How Keras' `Bidirectional` combines the forward and backward outputs. */
export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

/** Activations a Dense head may use (Keras names). */
export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'softplus' | 'softsign' | 'elu';

/** A `Dense` layer after the recurrent stack, applied to the last axis (every step when sequences are returned). */
export interface KerasDense {
  /** The layer's Keras name. */
  readonly name: string;
  /** Output features. */
  readonly units: number;
  /** Applied to `x @ kernel + bias`. */
  readonly activation: DenseActivation;
  /** `[in, units]`, Keras' layout (x @ kernel). */
  readonly kernel: Tensor;
  /** `[units]`, or null without `use_bias`. */
  readonly bias: Tensor | null;
}

/** An `Embedding` layer in front of the stack: token ids in, vectors out. */
export interface KerasEmbedding {
  /** The layer's Keras name. */
  readonly name: string;
  /** Vocabulary size: token ids are in [0, inputDim). */
  readonly inputDim: number;
  /** Features of each embedding vector (the stack's input size). */
  readonly outputDim: number;
  /** Token 0 is padding: its steps are masked (Keras `mask_zero`). */
  readonly maskZero: boolean;
  /** `[inputDim, outputDim]`. */
  readonly weight: Tensor;
}

/** One model input that feeds an initial state of the stack (functional models only). */
export interface KerasInitialState {
  /** The model input (InputLayer) name, in the order the model lists its inputs. */
  readonly input: string;
  /** The recurrent layer whose state it feeds, 0 = bottom. */
  readonly layer: number;
  /** 0 forward, 1 backward (Bidirectional). */
  readonly direction: 0 | 1;
  /** Which state: the hidden state h, or the LSTM cell state c. */
  readonly state: 'h' | 'c';
}

/**
 * A Keras or tfjs-layers model whose core is a stack of SimpleRNN/GRU/LSTM layers: the deeprnn spec
 * and parameters (PyTorch names) plus everything around the stack, so the whole model can be run
 * ({@link predictKeras}) or rebuilt.
 */
export interface KerasImport {
  /** The stack; `batchFirst` is true, as Keras is batch-major. */
  readonly spec: RnnSpec;
  /** The stack's parameters, converted to PyTorch names and layouts. */
  readonly params: RnnParams;
  /** The Keras names of the recurrent layers, bottom first. */
  readonly layerNames: readonly string[];
  /** The `Embedding` layer in front of the stack, or null. */
  readonly embedding: KerasEmbedding | null;
  /** A `Masking` layer's `mask_value`, or null. */
  readonly maskValue: number | null;
  /** The (single, unidirectional) layer processes time backwards and returns outputs in that order. */
  readonly goBackwards: boolean;
  /** The top layer returns every step (`[B, T, F]`) instead of its last output (`[B, F]`). */
  readonly returnSequences: boolean;
  /**
   * Masked steps of the top layer output zeros (Keras 2 `zero_output_for_mask`) instead of Keras'
   * default, the last valid output carried forward.
   */
  readonly zeroOutputForMask: boolean;
  /** The top Bidirectional layer's merge (`concat` when unidirectional). */
  readonly mergeMode: MergeMode;
  /** Dense layers after the stack, in order. */
  readonly head: readonly KerasDense[];
  /** Model inputs after the first that carry initial states. */
  readonly initialStates: readonly KerasInitialState[];
  /** The main input's shape as the file declares it (`[null, T, F]`, null = free), or null. */
  readonly inputShape: readonly (number | null)[] | null;
  /** The version that wrote the file (`keras_version`, e.g. `tfjs-layers 4.22.0`, `3.3.3`), or null. */
  readonly kerasVersion: string | null;
}
