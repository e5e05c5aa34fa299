import type { RnnSpec } from '@deeprnn/core';
import { derivativeFromOutput } from './activation-derivative.js';
import { backwardWordsPerRow } from './recurrence-kernels.js';

/**
 * Why the training kernels cannot train `spec`, or null. They train every spec the forward runs
 * (every mode: rnn_tanh, rnn_relu, GRU with the reset gate after or before the hidden product,
 * LSTM with input_forget, projections and peepholes; any depth, bidirectional, bias or not,
 * dropout, lengths, tied layers, gate clipping) except two limits: an activation whose slope does
 * not follow from its output (LeakyRelu/Elu with alpha <= 0, ScaledTanh with alpha 0), and a
 * hidden size whose backward does not fit the workgroup memory every device has.
 */
export function trainingUnsupportedReason(spec: RnnSpec): string | null {
  const acts = [...spec.activations, ...spec.reverseActivations];
  const bad = acts.find((a) => derivativeFromOutput(a, 'y') === null);
  if (bad) return `training with ${bad.name} alpha ${bad.alpha} is not implemented (its slope does not follow from its output)`;
  // Backward workgroup memory (backwardWordsPerRow), at least one row.
  const words = backwardWordsPerRow(spec);
  if (words > 4096) return `training ${spec.mode} with hiddenSize ${spec.hiddenSize} needs ${4 * words} bytes of workgroup memory, more than the 16384 every WebGPU device offers`;
  return null;
}
