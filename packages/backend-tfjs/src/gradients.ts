import {
  type CallShape,
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnSpec,
  type RnnState,
  type Tensor,
  ShapeError,
  cellStateShape,
  formatShape,
  hiddenStateShape,
  outputShape,
  sameShape,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { at } from './list-access.js';
import type { OpPolicy } from './op-policy.js';
import { dropoutOf } from './dropout.js';
import { runInUserLayout } from './run-layout.js';
import { fromTf, toTf } from './tensor-convert.js';
import { type TfParams, disposeTransposes, prepareWeights, transposeWeights } from './weights.js';

function rawParam(raw: TfParams, name: string): tf.Tensor {
  const t = raw[name];
  if (t === undefined) throw new Error(`backend-tfjs: parameter ${name} was not uploaded`);
  return t;
}

/** Checks the upstream gradients against the call's output and state shapes. */
export function checkGradOutput(spec: RnnSpec, call: CallShape, g: GradOutput): void {
  const check = (name: string, t: Tensor | undefined, want: number[]): void => {
    if (t !== undefined && !sameShape(t.shape, want)) {
      throw new ShapeError(`gradients: gradOutput.${name} must be ${formatShape(want)}, got ${formatShape(t.shape)}`);
    }
  };
  check('output', g.output, outputShape(spec, call));
  check('h', g.h, hiddenStateShape(spec, call));
  if (spec.mode === 'lstm') check('c', g.c, cellStateShape(spec, call));
  else if (g.c !== undefined) throw new ShapeError(`gradients: gradOutput.c is only for lstm, got mode ${spec.mode}`);
}

/**
 * Builds the tfjs ops of `gradients`: d/d(params, input, h0, c0) of
 * sum(output * gOut) + sum(hN * gH) + sum(cN * gC), by tfjs autograd through the same forward ops.
 * Returns the gradient tensors in the order of `names`, then input, h0 and (LSTM) c0; call inside tf.tidy.
 */
export function gradientTensors(
  spec: RnnSpec,
  raw: TfParams,
  names: readonly string[],
  call: CallShape,
  input: Tensor,
  initial: RnnState | undefined,
  gradOutput: GradOutput,
  options: ForwardOptions,
  policy: OpPolicy,
): tf.Tensor[] {
  const isLstm = spec.mode === 'lstm';
  const h0 = initial ? toTf(initial.h) : tf.zeros(hiddenStateShape(spec, call));
  const c0 = initial?.c ? toTf(initial.c) : tf.zeros(cellStateShape(spec, call));
  const args: tf.Tensor[] = [...names.map((n) => rawParam(raw, n)), toTf(input), h0, ...(isLstm ? [c0] : [])];
  const gOut = gradOutput.output ? toTf(gradOutput.output) : null;
  const gH = gradOutput.h ? toTf(gradOutput.h) : null;
  const gC = isLstm && gradOutput.c ? toTf(gradOutput.c) : null;
  // Nothing upstream: the loss is the constant 0 and every gradient is zero (tf.grads would refuse it).
  if (!gOut && !gH && !gC) return args.map((a) => tf.zerosLike(a));
  const P = names.length;
  // Built here, outside the taped function, so they are still there when the gradient runs.
  const transposes = transposeWeights(spec, raw, policy);
  const loss = (...xs: tf.Tensor[]): tf.Scalar => {
    const params: Record<string, tf.Tensor> = {};
    names.forEach((n, i) => (params[n] = at(xs, i)));
    const out = runInUserLayout(spec, prepareWeights(spec, params, policy, transposes), {
      x: at(xs, P),
      h0: at(xs, P + 1),
      c0: isLstm ? at(xs, P + 2) : null,
      lengths: options.lengths ?? null,
      dropout: dropoutOf(spec, options),
      policy,
    });
    let total: tf.Scalar = tf.scalar(0);
    if (gOut) total = tf.add(total, tf.sum(tf.mul(out.output, gOut)));
    if (gH) total = tf.add(total, tf.sum(tf.mul(out.h, gH)));
    if (gC && out.c) total = tf.add(total, tf.sum(tf.mul(out.c, gC)));
    return total;
  };
  try {
    return tf.grads(loss)(args);
  } finally {
    disposeTransposes(transposes);
  }
}

/** Downloads the gradient tensors of {@link gradientTensors} into {@link ParamGrads}. */
export async function readGradients(spec: RnnSpec, names: readonly string[], grads: readonly tf.Tensor[]): Promise<ParamGrads> {
  const host = await Promise.all(grads.map(fromTf));
  const params: Record<string, Tensor> = {};
  names.forEach((n, i) => (params[n] = host[i] as Tensor));
  const P = names.length;
  const h = host[P + 1] as Tensor;
  const initial: RnnState = spec.mode === 'lstm' ? { h, c: host[P + 2] as Tensor } : { h };
  return { params: Object.freeze(params), input: host[P] as Tensor, initial };
}
