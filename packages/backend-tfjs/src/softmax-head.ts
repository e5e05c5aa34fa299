import { ShapeError, softmaxCrossEntropyRow } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';

/** Throws a {@link ShapeError} unless every target is a class index in [0, classes). */
export function checkTargets(targets: Int32Array, classes: number, who: string): void {
  const bad = targets.findIndex((t) => !(t >= 0 && t < classes));
  if (bad >= 0)
    throw new ShapeError(`${who}: targets must be class indices in [0, ${classes}), got ${targets[bad]} at row ${bad}`);
}

/** Concatenates the per-step direction parts into the rows `[T*B, F]` (time-major, as `targets`). */
function rowsOf(parts: readonly (readonly tf.Tensor[])[]): tf.Tensor2D {
  const steps = parts.map((dirs) => (dirs.length === 1 ? (dirs[0] as tf.Tensor) : tf.concat(dirs as tf.Tensor[], 1)));
  return (steps.length === 1 ? steps[0] : tf.concat(steps, 0)) as tf.Tensor2D;
}

/**
 * Cuts the host copy of dRows `[T*B, F]` back into the per-step direction parts, uploading each
 * part directly (a tfjs split on wasm would copy the whole source once per piece).
 */
function partsOf(dRows: Float32Array, parts: readonly (readonly tf.Tensor[])[], F: number): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let row = 0;
  for (const dirs of parts) {
    const B = dirs[0]?.shape[0] ?? 0;
    let col = 0;
    for (const p of dirs) {
      const w = p.shape[1] ?? 0;
      const data = new Float32Array(B * w);
      for (let b = 0; b < B; b++) data.set(dRows.subarray((row + b) * F + col, (row + b) * F + col + w), b * w);
      out.push(tf.tensor2d(data, [B, w]));
      col += w;
    }
    row += B;
  }
  return out;
}

/**
 * The mean softmax cross-entropy of a linear head over an RNN's per-step outputs, as one tfjs op
 * with a hand-written gradient: logits = rows · W^T + b, loss = mean over rows of
 * -log softmax(logits)[target]. The softmax runs on the host (`[N, V]` is small), the three products
 * on the engine; the gradient reaches every part, W and b. With `softmaxOnHost: false` (for engines
 * that cannot read back synchronously, like WebGPU) everything runs as differentiable engine ops.
 *
 * @param parts - `parts[t]` are the direction parts `[B, F_d]` of step t (time-major rows).
 * @param weight - `[V, F]` with F the parts' total width.
 * @param bias - `[V]`.
 * @param targets - the target class of every row, `T*B`, time-major.
 * @returns the mean loss as a scalar.
 */
export function linearSoftmaxLoss(
  parts: readonly (readonly tf.Tensor[])[],
  weight: tf.Tensor,
  bias: tf.Tensor,
  targets: Int32Array,
  options: { readonly softmaxOnHost?: boolean } = {},
): tf.Scalar {
  const flat = parts.flat();
  const [V, F] = weight.shape as [number, number];
  const N = targets.length;
  const rowCount = parts.reduce((n, dirs) => n + (dirs[0]?.shape[0] ?? 0), 0);
  const width = (parts[0] ?? []).reduce((n, p) => n + (p.shape[1] ?? 0), 0);
  if (rowCount !== N || width !== F || bias.shape[0] !== V) {
    throw new ShapeError(
      `linearSoftmaxLoss: expected ${N} rows of width ${F} and a bias [${V}], got ${rowCount} rows of width ${width} and a bias [${bias.shape.join(', ')}]`,
    );
  }
  checkTargets(targets, V, 'linearSoftmaxLoss');
  if (options.softmaxOnHost === false) return engineSoftmaxLoss(rowsOf(parts), weight, bias, targets);
  const inputs = [...flat, weight, bias];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const rows = rowsOf(regroup(args.slice(0, flat.length) as tf.Tensor[], parts));
    const w = args[flat.length] as tf.Tensor;
    const b = args[flat.length + 1] as tf.Tensor;
    const logits = tf.tidy(() => tf.fused.matMul({ a: rows, b: tf.transpose(w), bias: b }));
    const dLogits = logits.dataSync() as Float32Array;
    logits.dispose();
    let total = 0;
    for (let n = 0; n < N; n++) total += softmaxCrossEntropyRow(dLogits, n * V, V, targets[n]!, N);
    save([rows, w]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedRows, savedW] = saved as [tf.Tensor, tf.Tensor];
      const d = tf.mul(tf.tensor2d(dLogits, [N, V]), dy);
      const dRows = tf.matMul(d, savedW);
      const dParts = partsOf(dRows.dataSync() as Float32Array, parts, F);
      return [...dParts, tf.matMul(tf.transpose(d), savedRows), tf.sum(d, 0)];
    };
    return { value: tf.scalar(total / N), gradFunc };
  });
  return op(...inputs) as tf.Scalar;
}

/** Rebuilds the `[t][d]` grouping of `parts` from a flat list of the same length. */
function regroup(flat: readonly tf.Tensor[], parts: readonly (readonly tf.Tensor[])[]): tf.Tensor[][] {
  let i = 0;
  return parts.map((dirs) => dirs.map(() => flat[i++] as tf.Tensor));
}

/** The same loss as engine ops only, differentiated by tfjs autograd. */
function engineSoftmaxLoss(rows: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, targets: Int32Array): tf.Scalar {
  const [V] = weight.shape as [number, number];
  const logits = tf.add(tf.matMul(rows, tf.transpose(weight)), bias);
  const oneHot = tf.oneHot(tf.tensor1d(targets, 'int32'), V);
  return tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot))), targets.length);
}
