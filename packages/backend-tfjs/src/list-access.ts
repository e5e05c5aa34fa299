import * as tf from '@tensorflow/tfjs-core';

/** Element i of a list this package built itself (so it exists); throws on a bug. */
export function at(list: readonly tf.Tensor[], i: number): tf.Tensor {
  const t = list[i];
  if (t === undefined) throw new Error(`backend-tfjs: tensor ${i} missing`);
  return t;
}

/** `tf.split` into `sizes.length` pieces along `axis`. Only for one-off work: on wasm every piece copies the source. */
export function splitAt(x: tf.Tensor, sizes: readonly number[], axis: number): tf.Tensor[] {
  return tf.split(x, [...sizes], axis);
}
