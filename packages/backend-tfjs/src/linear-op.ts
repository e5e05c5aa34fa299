import * as tf from '@tensorflow/tfjs-core';

/** The activations a product can fuse: XNNPACK and every tfjs engine fuse these into the matmul. */
export type FusedActivation = 'linear' | 'sigmoid' | 'relu';

/**
 * What a training product can apply: a fused activation, or `tanhViaSigmoid` for weights that hold
 * 2W and 2b: tanh(z) = 2 sigmoid(2z) - 1 (see `OpPolicy.isTanhViaSigmoid`), differentiated here as
 * one step instead of through the multiply and subtract (and their constants' gradients).
 */
export type ProductActivation = FusedActivation | 'tanhViaSigmoid';

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
 * The weight and bias gradients of every product that one weight takes part in (one per time step),
 * computed at once: dW = [x_1; …; x_T]^T · [dz_1; …; dz_T] is one large product instead of T small
 * ones plus T-1 accumulating adds.
 *
 * How it hooks into tfjs autograd: a "link" op takes (w, b) and outputs a dummy scalar, made before
 * the first product; every product takes the link as an input instead of w and b (so tfjs keeps the
 * product in the gradient graph whenever w is, even when its other input is a constant) and returns a
 * zero scalar for it. tfjs runs gradients in reverse recording order, so the link's gradient runs
 * after every product's, which have by then recorded their (x, dz) here; it returns the batched dW
 * and db. The records are tensors of the backward pass, alive until tfjs ends it.
 */
export class BatchedWeightGradient {
  readonly #records: { x: tf.Tensor; dz: tf.Tensor }[] = [];
  #link: tf.Tensor | null = null;

  constructor(
    readonly w: tf.Tensor,
    readonly b: tf.Tensor | null,
  ) {}

  /** The link every product of this weight takes as an input (made on first use). */
  link(): tf.Tensor {
    if (this.#link !== null) return this.#link;
    const records = this.#records;
    const gradFunc = (): tf.Tensor[] => {
      const xs = records.map((r) => r.x);
      const dzs = records.map((r) => r.dz);
      records.length = 0;
      const dz = xs.length === 1 ? (dzs[0] as tf.Tensor) : tf.concat(dzs, 0);
      const x = xs.length === 1 ? (xs[0] as tf.Tensor) : tf.concat(xs, 0);
      const dw = tf.matMul(tf.transpose(x), dz);
      return this.b === null ? [dw] : [dw, tf.sum(dz, 0)];
    };
    const link =
      this.b === null
        ? tf.customGrad(() => ({ value: tf.scalar(0), gradFunc }))(this.w)
        : tf.customGrad(() => ({ value: tf.scalar(0), gradFunc }))(this.w, this.b);
    this.#link = link;
    return link;
  }

  /** Called by each product's gradient. */
  record(x: tf.Tensor, dz: tf.Tensor): void {
    this.#records.push({ x, dz });
  }
}

/**
 * act(a · w + b) with a hand-written gradient. tfjs's own matMul gradient multiplies by transposed
 * operands (`transposeA`/`transposeB`), which the wasm engine runs about 10x slower than a plain
 * product; here da = dz · wT with `wT` transposed once per training step, and the weight and bias
 * gradients are left to `batch` (summed over every product of the weight at once). The activation
 * stays fused in the forward product and is differentiated from its output.
 *
 * @param wT - the transpose of `w`, computed by the caller once per step outside the gradient tape
 *   and alive until the gradient has run (not differentiated).
 * @param batch - gathers this weight's gradients; it holds w and b.
 */
export function linearWithGrad(
  a: tf.Tensor,
  wT: tf.Tensor,
  batch: BatchedWeightGradient,
  activation: ProductActivation,
): tf.Tensor {
  const { w, b } = batch;
  const link = batch.link();
  const backward = (dy: tf.Tensor, keep: readonly tf.Tensor[]): tf.Tensor[] => {
    const x = saved(keep, 0);
    const y = saved(keep, 1);
    let dz = dy;
    if (activation === 'sigmoid') dz = tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    else if (activation === 'relu') dz = tf.mul(dy, tf.step(y));
    // y = 2 sigmoid(z) - 1 (z already doubled): dy/dz = 2 s (1 - s) = (1 - y^2) / 2.
    else if (activation === 'tanhViaSigmoid') dz = tf.mul(dy, tf.sub(0.5, tf.mul(tf.square(y), 0.5)));
    batch.record(x, dz);
    const da = tf.matMul(dz, alive(wT));
    return [da, tf.zerosLike(link)];
  };
  const forward = (x: tf.Tensor, save: tf.GradSaveFunc): { value: tf.Tensor; gradFunc: typeof backward } => {
    // w and b are read here, while the taped function that made them is still running.
    const fused = activation === 'tanhViaSigmoid' ? 'sigmoid' : activation;
    const z =
      b === null
        ? tf.fused.matMul({ a: x, b: w, activation: fused })
        : tf.fused.matMul({ a: x, b: w, bias: b, activation: fused });
    const y = activation === 'tanhViaSigmoid' ? tf.sub(tf.mul(z, 2), 1) : z;
    // Saved, not captured: tfjs disposes the forward pass's intermediates before running gradients.
    save([x, y]);
    return { value: y, gradFunc: backward };
  };
  return tf.customGrad((x, _link, save) => forward(x as tf.Tensor, save as tf.GradSaveFunc))(a, link);
}
