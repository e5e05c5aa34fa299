import * as tf from '@tensorflow/tfjs-core';

/** The recurrent state of one layer and direction: h `[B, Hout]` and, for LSTM, c `[B, H]`. */
export interface CellState {
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
}

/**
 * One recurrent cell, bound to its weights and activations. The input projection of a whole layer is
 * computed in one product before the loop; `splitInputs` cuts it once per layer into per-step
 * pieces, so the loop never slices a `[T, ...]` tensor (on wasm every slice copies).
 */
export interface Cell {
  /** Per-step inputs from the layer's input projection `[T, B, G*H]`: `steps[t]` is what `step` reads. */
  splitInputs(xProj: tf.Tensor): tf.Tensor[][];
  /** One time step: the new state; its `h` is also the step's output. */
  step(x: readonly tf.Tensor[], state: CellState): CellState;
}

/** Reads element i of a list this package built itself (so it exists). */
export function at(list: readonly tf.Tensor[], i: number): tf.Tensor {
  const t = list[i];
  if (t === undefined) throw new Error(`backend-tfjs: tensor ${i} missing`);
  return t;
}

/** `tf.split` into exactly `sizes.length` pieces along `axis`, typed as present. */
export function splitAt(x: tf.Tensor, sizes: readonly number[], axis: number): tf.Tensor[] {
  return tf.split(x, [...sizes], axis);
}
