import {
  type CallShape,
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnSpec,
  type RnnState,
  type Tensor,
  cellStateShape,
  hiddenStateShape,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { differentiateStack, linkedLoss } from './differentiate.js';
import { dropoutOf } from './dropout.js';
import { at } from './list-access.js';
import type { OpPolicy } from './op-policy.js';
import { runInUserLayout } from './run-layout.js';
import { fromTf, toTf } from './tensor-convert.js';
import type { TfParams } from './weights.js';

/**
 * Builds the tfjs ops of `gradients`: d/d(params, input, h0, c0) of
 * sum(output * gOut) + sum(hN * gH) + sum(cN * gC), through {@link differentiateStack} (the trainer's
 * code). Returns the gradient tensors in the order of `names`, then input, h0 and (LSTM) c0; call
 * inside tf.tidy.
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
  const others = [toTf(input), h0, ...(isLstm ? [c0] : [])];
  const params: Record<string, tf.Tensor> = {};
  for (const n of names) params[n] = raw[n] as tf.Tensor;
  const g = {
    output: gradOutput.output ? toTf(gradOutput.output) : null,
    h: gradOutput.h ? toTf(gradOutput.h) : null,
    c: isLstm && gradOutput.c ? toTf(gradOutput.c) : null,
  };
  // Nothing upstream: the loss is the constant 0 and every gradient is zero (tfjs would refuse it).
  if (!g.output && !g.h && !g.c)
    return [...names.map((n) => tf.zerosLike(params[n] as tf.Tensor)), ...others.map((a) => tf.zerosLike(a))];
  const { grads } = differentiateStack(spec, policy, params, others, (weights, xs) =>
    linkedLoss(
      runInUserLayout(spec, weights, {
        x: at(xs, 0),
        h0: at(xs, 1),
        c0: isLstm ? at(xs, 2) : null,
        lengths: options.lengths ?? null,
        dropout: dropoutOf(spec, options),
        policy,
      }),
      g,
    ),
  );
  return grads;
}

/** Downloads the gradient tensors of {@link gradientTensors} into {@link ParamGrads}. */
export async function readGradients(
  spec: RnnSpec,
  names: readonly string[],
  grads: readonly tf.Tensor[],
): Promise<ParamGrads> {
  const host = await Promise.all(grads.map(fromTf));
  const params: Record<string, Tensor> = {};
  names.forEach((n, i) => (params[n] = host[i] as Tensor));
  const P = names.length;
  const h = host[P + 1] as Tensor;
  const initial: RnnState = spec.mode === 'lstm' ? { h, c: host[P + 2] as Tensor } : { h };
  return { params: Object.freeze(params), input: host[P] as Tensor, initial };
}
