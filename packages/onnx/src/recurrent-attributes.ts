import { type Activation, type RnnSpec, usesAlpha, usesBeta } from '@deeprnn/core';
import type { AttributeValue } from './graph-builder.js';

/**
 * The attributes of one RNN/GRU/LSTM node for a layer of `spec`.
 *
 * @remarks
 * `activation_alpha`/`activation_beta` are written only for the activations that read them, in
 * activation order (forward f, g, h, then reverse): that is how ONNX Runtime consumes the lists
 * (`NormalizeActivationArgumentAndGetAlphaBetaCount` in its rnn_helpers), and the ONNX spec's
 * "consumed in the order of activation functions" leaves the other reading open. Every alpha and
 * beta is written explicitly, so no runtime's defaults are relied on.
 */
export function recurrentAttributes(spec: RnnSpec): Record<string, AttributeValue> {
  const acts: Activation[] = [...spec.activations, ...(spec.bidirectional ? spec.reverseActivations : [])];
  const attrs: Record<string, AttributeValue> = {
    hidden_size: spec.hiddenSize,
    direction: spec.bidirectional ? 'bidirectional' : 'forward',
    activations: acts.map((a) => a.name),
  };
  const alphas = acts.filter((a) => usesAlpha(a.name)).map((a) => a.alpha as number);
  const betas = acts.filter((a) => usesBeta(a.name)).map((a) => a.beta as number);
  if (alphas.length > 0) attrs.activation_alpha = { floats: alphas };
  if (betas.length > 0) attrs.activation_beta = { floats: betas };
  if (spec.clip !== null) attrs.clip = { float: spec.clip };
  if (spec.mode === 'gru') attrs.linear_before_reset = spec.linearBeforeReset ? 1 : 0;
  if (spec.mode === 'lstm') attrs.input_forget = spec.inputForget ? 1 : 0;
  return attrs;
}

/** The ONNX operator for a mode. */
export function recurrentOpType(spec: RnnSpec): 'RNN' | 'GRU' | 'LSTM' {
  return spec.mode === 'gru' ? 'GRU' : spec.mode === 'lstm' ? 'LSTM' : 'RNN';
}
