import * as tf from '@tensorflow/tfjs-core';

/** The activations a product can fuse: XNNPACK and every tfjs engine fuse these into the matmul. */
export type FusedActivation = 'linear' | 'sigmoid' | 'relu';

/** Reads a saved tensor of a custom gradient (tfjs passes exactly what was saved). */
function saved(list: readonly tf.Tensor[], i: number): tf.Tensor {
  const t = list[i];
  if (t === undefined) throw new Error('backend-tfjs: custom gradient lost a saved tensor');
  return t;
}

/**
 * Checks that a tensor captured by a gradient (not saved: saving copies it, and on wasm a new copy
 * of a weight also makes XNNPACK repack it on every product) still exists when the gradient runs.
 */
function alive(t: tf.Tensor): tf.Tensor {
  if (t.isDisposed) {
    throw new Error(
      'backend-tfjs: the transposed weights of a training forward were freed before its gradient ran (see transposeWeights: build them outside the taped function and free them after the gradient)',
    );
  }
  return t;
}

/**
 * act(a · w + b) with a hand-written gradient. tfjs's own matMul gradient multiplies by transposed
 * operands (`transposeA`/`transposeB`), which the wasm engine runs about 10x slower than a plain
 * product; here da = dz · wT with `wT` transposed once per training step, and dw = transpose(a) · dz.
 * The activation stays fused in the forward product and is differentiated from its output.
 *
 * @param wT - the transpose of `w`, computed by the caller once per step outside the gradient tape
 *   and alive until the gradient has run (not differentiated: the gradient of `w` comes from here).
 */
export function linearWithGrad(a: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, wT: tf.Tensor, activation: FusedActivation): tf.Tensor {
  const backward = (dy: tf.Tensor, keep: readonly tf.Tensor[]): tf.Tensor[] => {
    const x = saved(keep, 0);
    const y = saved(keep, 1);
    const wt = alive(wT);
    let dz = dy;
    if (activation === 'sigmoid') dz = tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    else if (activation === 'relu') dz = tf.mul(dy, tf.step(y));
    const grads = [tf.matMul(dz, wt), tf.matMul(tf.transpose(x), dz)];
    return b === null ? grads : [...grads, tf.sum(dz, 0)];
  };
  const forward = (x: tf.Tensor, weights: tf.Tensor, bias: tf.Tensor | null, save: tf.GradSaveFunc): { value: tf.Tensor; gradFunc: typeof backward } => {
    const y = bias === null ? tf.fused.matMul({ a: x, b: weights, activation }) : tf.fused.matMul({ a: x, b: weights, bias, activation });
    // Saved, not captured: tfjs disposes the forward pass's intermediates before running gradients.
    save([x, y]);
    return { value: y, gradFunc: backward };
  };
  if (b === null) {
    return tf.customGrad((x, weights, save) => forward(x as tf.Tensor, weights as tf.Tensor, null, save as tf.GradSaveFunc))(a, w);
  }
  return tf.customGrad((x, weights, bias, save) => forward(x as tf.Tensor, weights as tf.Tensor, bias as tf.Tensor, save as tf.GradSaveFunc))(a, w, b);
}
