import type { OptimizerOptions } from '@deeprnn/core';
import type { GraphBuilder } from '../graph-builder.js';
import { DataType } from '../proto.js';

/** One trained parameter in the update: its value, gradient and (Adam) moments, all graph values. */
export interface UpdateSlot {
  readonly param: string;
  readonly grad: string;
  readonly m: string | null;
  readonly v: string | null;
}

/** What the update writes per slot, and the global norm before clipping. */
export interface UpdateValues {
  readonly params: readonly string[];
  readonly m: readonly (string | null)[];
  readonly v: readonly (string | null)[];
  readonly gradNorm: string;
  readonly nextStep: string;
}

/**
 * Global-norm clipping and one optimizer update, as core's `clipGlobalNorm` and `updateParameter`:
 * norm = sqrt(Σ g²) over every gradient in slot order; with `gradClipNorm`, gradients are scaled by
 * gradClipNorm / norm when norm exceeds it; SGD p - lr g; Adam with bias correction, the update number
 * being `step + 1` (`step` an int64 scalar: updates done before).
 */
export function emitUpdate(
  b: GraphBuilder,
  slots: readonly UpdateSlot[],
  optimizer: OptimizerOptions,
  gradClipNorm: number | null,
  step: string,
): UpdateValues {
  const squares = slots.map((s) => b.op1('ReduceSumSquare', [s.grad], { keepdims: 0 }));
  const gradNorm = b.op1('Sqrt', [squares.length === 1 ? (squares[0] as string) : b.op1('Sum', squares)]);
  const scale =
    gradClipNorm === null
      ? null
      : b.op1('Where', [
          b.op1('Greater', [gradNorm, b.floats([gradClipNorm])]),
          b.op1('Div', [b.floats([gradClipNorm]), gradNorm]),
          b.floats([1]),
        ]);
  const nextStep = b.op1('Add', [step, b.ints([1], [])]);
  if (optimizer.name === 'sgd') {
    const rate = scale === null ? b.floats([optimizer.lr]) : b.op1('Mul', [scale, b.floats([optimizer.lr])]);
    const params = slots.map((s) => b.op1('Sub', [s.param, b.op1('Mul', [s.grad, rate])]));
    return { params, m: slots.map(() => null), v: slots.map(() => null), gradNorm, nextStep };
  }
  const b1 = optimizer.beta1 ?? 0.9;
  const b2 = optimizer.beta2 ?? 0.999;
  const eps = optimizer.eps ?? 1e-8;
  const k = b.op1('Cast', [nextStep], { to: DataType.FLOAT });
  const c1 = b.op1('Sub', [b.floats([1]), b.op1('Pow', [b.floats([b1]), k])]);
  const c2 = b.op1('Sub', [b.floats([1]), b.op1('Pow', [b.floats([b2]), k])]);
  const rate = b.op1('Div', [b.floats([optimizer.lr]), c1]);
  const invC2 = b.op1('Reciprocal', [c2]);
  const params: string[] = [];
  const ms: string[] = [];
  const vs: string[] = [];
  for (const s of slots) {
    const g = scale === null ? s.grad : b.op1('Mul', [s.grad, scale]);
    const m = b.op1('Add', [b.op1('Mul', [s.m as string, b.floats([b1])]), b.op1('Mul', [g, b.floats([1 - b1])])]);
    const v = b.op1('Add', [
      b.op1('Mul', [s.v as string, b.floats([b2])]),
      b.op1('Mul', [b.op1('Mul', [g, g]), b.floats([1 - b2])]),
    ]);
    const denom = b.op1('Add', [b.op1('Sqrt', [b.op1('Mul', [v, invC2])]), b.floats([eps])]);
    params.push(b.op1('Sub', [s.param, b.op1('Div', [b.op1('Mul', [m, rate]), denom])]));
    ms.push(m);
    vs.push(v);
  }
  return { params, m: ms, v: vs, gradNorm, nextStep };
}
