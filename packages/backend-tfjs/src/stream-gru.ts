import type { RnnSpec } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OpPolicy } from './op-policy.js';
import type { DirectionWeights } from './weights.js';

/**
 * One GRU layer's weights as the stream's fast step reads them: every matrix `[1, K, N]`, the rank of
 * tfjs's `_FusedMatMul` kernel, so a product is one kernel (tf.fused.matMul on 2-D operands adds three
 * Reshape ops around it: 36 of a 3-layer step's 91 kernels). With `isFolded`, the n gate's products
 * hold 2 W_in, 2 b_in, 2 W_hn, 2 b_hn, so tanh(a) = 2 sigmoid(2a) - 1 needs no `a * 2` op: scaling by 2
 * is exact in float32, so the result is bit for bit the cell's (cell-gru.ts with tanhViaSigmoid).
 */
export interface GruStepLayer {
  readonly wr: tf.Tensor;
  readonly br: tf.Tensor | null;
  readonly wz: tf.Tensor;
  readonly bz: tf.Tensor | null;
  readonly win: tf.Tensor;
  readonly bin: tf.Tensor | null;
  readonly whn: tf.Tensor;
  readonly bhn: tf.Tensor | null;
  /** The n gate's products are doubled: tanh runs as 2 sigmoid(pre) - 1. */
  readonly isFolded: boolean;
  /**
   * The scalars 2 and 1 of that form, made once: `tf.mul(t, 2)` would upload a new scalar tensor on
   * every call (about 1.5 us each on wasm).
   */
  readonly two: tf.Tensor;
  readonly one: tf.Tensor;
}

/**
 * Whether a stream of `spec` on this engine takes the fast GRU step: PyTorch's GRU (sigmoid gates,
 * tanh candidate, no clip) on an engine whose fused sigmoid keeps NaN. Every other spec streams
 * through the cells that `forward` uses.
 */
export function isFastGru(spec: RnnSpec, policy: OpPolicy): boolean {
  return (
    spec.mode === 'gru' &&
    spec.clip === null &&
    policy.isExpNanSafe &&
    (spec.activations[0]?.name ?? 'Sigmoid') === 'Sigmoid' &&
    (spec.activations[1]?.name ?? 'Tanh') === 'Tanh'
  );
}

function need<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined) throw new Error(`backend-tfjs: GRU weights lack ${what}`);
  return v;
}

/**
 * Builds a layer's fast-step weights from its prepared weights: new handles the caller disposes with
 * {@link gruStepTensors} (call it outside tf.tidy). Reshapes and clones share the weights' data; only
 * the doubled n gate is new data.
 */
export function prepareGruStep(w: DirectionWeights, policy: OpPolicy): GruStepLayer {
  const isFolded = policy.isTanhViaSigmoid;
  const [r, z] = [need(w.gates[0], 'r'), need(w.gates[1], 'z')];
  const xn = need(w.xn, 'W_in');
  const hn = need(w.hn, 'W_hn');
  const doubled = (t: tf.Tensor): tf.Tensor => (isFolded ? tf.mul(t, 2) : t);
  // Reshape and clone share the data (a new handle, no copy); only the doubled n gate is new data.
  const [wr, wz, win, whn] = tf.tidy(() =>
    [r.w, z.w, doubled(xn.w), doubled(hn.w)].map((t) => tf.reshape(t, [1, ...t.shape])),
  ) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const bias = (t: tf.Tensor | null, isDoubled: boolean): tf.Tensor | null =>
    t === null ? null : tf.tidy(() => (isDoubled && isFolded ? tf.mul(t, 2) : tf.clone(t)));
  return {
    wr,
    br: bias(r.b, false),
    wz,
    bz: bias(z.b, false),
    win,
    bin: bias(xn.b, true),
    whn,
    bhn: bias(hn.b, true),
    isFolded,
    two: tf.scalar(2),
    one: tf.scalar(1),
  };
}

/** Every tensor of a layer's fast-step weights (to dispose them). */
export function gruStepTensors(l: GruStepLayer): tf.Tensor[] {
  return [l.wr, l.br, l.wz, l.bz, l.win, l.bin, l.whn, l.bhn, l.two, l.one].filter((t): t is tf.Tensor => t !== null);
}

/** act(a · b + bias) as the bare `_FusedMatMul` kernel on `[1, M, K]` and `[1, K, N]`. */
function product(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor | null, activation: 'linear' | 'sigmoid'): tf.Tensor {
  const inputs: tf.NamedTensorMap = bias === null ? { a, b } : { a, b, bias };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, {
    transposeA: false,
    transposeB: false,
    activation,
    leakyreluAlpha: 0,
  }) as tf.Tensor;
}

/**
 * One GRU step of one layer on `[1, B, F]` tensors, the arithmetic of cell-gru.ts in the same op order
 * (PyTorch's n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)) with `linearBeforeReset`, ONNX's
 * n = tanh(x W_in^T + (r * h) W_hn^T + b_in + b_hn) without; h' = n + z * (h - n)). 13 kernels
 * (12 with the folded tanh) instead of the cell's 14 (tanh via sigmoid) plus 12 reshapes.
 */
export function gruStep(l: GruStepLayer, x: tf.Tensor, h: tf.Tensor, linearBeforeReset: boolean): tf.Tensor {
  const xh = tf.concat([x, h], 2);
  const r = product(xh, l.wr, l.br, 'sigmoid');
  const z = product(xh, l.wz, l.bz, 'sigmoid');
  const hPart = linearBeforeReset
    ? tf.mul(r, product(h, l.whn, l.bhn, 'linear'))
    : product(tf.mul(r, h), l.whn, null, 'linear');
  const pre = tf.add(product(x, l.win, l.bin, 'linear'), hPart);
  const n = l.isFolded ? tf.sub(tf.mul(tf.sigmoid(pre), l.two), l.one) : tf.tanh(pre);
  return tf.add(n, tf.mul(z, tf.sub(h, n)));
}
