import type { GraphBuilder } from '../graph-builder.js';
import { DataType } from '../proto.js';

/** A loss written into the graph: its value and its gradient with respect to the stack's output. */
export interface LossValues {
  /** float32 scalar. */
  readonly loss: string;
  /** dLoss/dY [N, F]. */
  readonly dY: string;
}

/** The head's loss plus the gradients of its own parameters. */
export interface HeadLossValues extends LossValues {
  readonly dWeight: string;
  readonly dBias: string;
}

/**
 * A linear head with mean softmax cross-entropy, forward and backward written directly (core's
 * `softmaxHeadGradients`): logits = Y Wᵀ + b; loss = -mean log softmax(logits)[target];
 * dlogits = (softmax - onehot) / N; dW = dlogitsᵀ Y; db = column sums; dY = dlogits W.
 *
 * @param y - [N, F]. @param weight - [V, F]. @param bias - [V]. @param targets - int32 [N].
 */
export function emitHeadLoss(
  b: GraphBuilder,
  y: string,
  weight: string,
  bias: string,
  targets: string,
  N: number,
  V: number,
): HeadLossValues {
  const logits = b.op1('Gemm', [y, weight, bias], { transB: 1 });
  const logp = b.op1('LogSoftmax', [logits], { axis: 1 });
  const t64 = b.op1('Cast', [targets], { to: DataType.INT64 });
  const column = b.op1('Reshape', [t64, b.ints([N, 1])]);
  const picked = b.op1('GatherElements', [logp, column], { axis: 1 });
  const loss = b.op1('Neg', [b.op1('ReduceMean', [picked], { keepdims: 0 })]);
  // targets == class index, cast: measured with onnxruntime-node 1.30 (CPU), ONNX's OneHot took
  // about 100 µs for [1120, 28], Equal and Cast together a tenth of that.
  const classIds = b.ints(
    Array.from({ length: V }, (_, i) => i),
    [1, V],
  );
  const onehot = b.op1('Cast', [b.op1('Equal', [column, classIds])], { to: DataType.FLOAT });
  const dLogits = b.op1('Mul', [b.op1('Sub', [b.op1('Exp', [logp]), onehot]), b.floats([1 / N])]);
  return {
    loss,
    dY: b.op1('MatMul', [dLogits, weight]),
    dWeight: b.op1('Gemm', [dLogits, y], { transA: 1 }),
    dBias: b.op1('ReduceSum', [dLogits, b.ints([0])], { keepdims: 0 }),
  };
}

/** Without a head: loss = sum(Y ⊙ G), so dLoss/dY is the given G [N, F]. */
export function emitLinearLoss(b: GraphBuilder, y: string, gradOutput: string): LossValues {
  return { loss: b.op1('ReduceSum', [b.op1('Mul', [y, gradOutput])], { keepdims: 0 }), dY: gradOutput };
}
