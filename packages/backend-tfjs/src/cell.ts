import * as tf from '@tensorflow/tfjs-core';

/** The recurrent state of one layer and direction: h `[B, Hout]` and, for LSTM, c `[B, H]`. */
export interface CellState {
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
}

/**
 * One recurrent cell bound to its weights and activations. `step` reads the step input as a list of
 * `[B, F]` parts (one per direction of the layer below), so layers never concatenate or slice whole
 * `[T, ...]` sequences between them.
 */
export interface Cell {
  step(x: readonly tf.Tensor[], state: CellState): CellState;
}

/** `[x parts..., h]` concatenated on the feature axis: the left operand of every gate product. */
export function withState(x: readonly tf.Tensor[], h: tf.Tensor): tf.Tensor {
  return tf.concat([...x, h], 1);
}
