import * as tf from '@tensorflow/tfjs-core';

/** Element i of a list this package built itself (so it exists); throws on a bug. */
export function at(list: readonly tf.Tensor[], i: number): tf.Tensor {
  const t = list[i];
  if (t === undefined) throw new Error(`backend-tfjs: tensor ${i} missing`);
  return t;
}

// tfjs passes a single-output op's gradient as a tensor instead of a one-element list, which the
// Unpack and SplitV gradients cannot take; a one-piece split is therefore written as a reshape.

/** `tf.split` into `sizes.length` pieces along `axis`. Only for one-off work: on wasm every piece copies the source. */
export function splitAt(x: tf.Tensor, sizes: readonly number[], axis: number): tf.Tensor[] {
  return sizes.length === 1 ? [x] : tf.split(x, [...sizes], axis);
}

/** `tf.unstack` that also differentiates when the axis has length 1. */
export function unstackAt(x: tf.Tensor, axis = 0): tf.Tensor[] {
  return x.shape[axis] === 1 ? [tf.squeeze(x, [axis])] : tf.unstack(x, axis);
}
