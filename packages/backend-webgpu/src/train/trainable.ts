import type { RnnSpec } from '@deeprnn/core';
import { derivativeFromOutput } from './activation-derivative.js';

/**
 * Why the training kernels cannot train `spec`, or null. They train plain RNN stacks (rnn_tanh,
 * rnn_relu, any activation whose slope follows from its output) of any depth, bidirectional or
 * not, with or without bias, dropout, lengths and tied layers; not gate clipping, GRU or LSTM.
 */
export function trainingUnsupportedReason(spec: RnnSpec): string | null {
  if (spec.mode !== 'rnn_tanh' && spec.mode !== 'rnn_relu') {
    return `training ${spec.mode} is not implemented yet (the WebGPU training kernels cover rnn_tanh and rnn_relu; ${spec.mode} runs forward only)`;
  }
  const acts = [...spec.activations, ...spec.reverseActivations];
  const bad = acts.find((a) => derivativeFromOutput(a, 'y') === null);
  if (bad) return `training with ${bad.name} alpha ${bad.alpha} is not implemented (its slope does not follow from its output)`;
  if (spec.clip !== null) return `training with gate clipping (clip ${spec.clip}) is not implemented (its gradient is not in the WebGPU training kernels)`;
  // Backward workgroup memory: 3 R H words with R >= 1.
  if (3 * spec.hiddenSize > 4096) return `training hiddenSize ${spec.hiddenSize} needs ${12 * spec.hiddenSize} bytes of workgroup memory, more than the 16384 every WebGPU device offers`;
  return null;
}
