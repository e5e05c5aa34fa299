import type { RnnSpec } from '@deeprnn/core';
import { derivativeFromOutput } from './activation-derivative.js';
import { backwardWordsPerRow } from './recurrence-kernels.js';

/**
 * Why the training kernels cannot train `spec`, or null. They train every mode (rnn_tanh, rnn_relu,
 * GRU with the reset gate after the hidden product as PyTorch has it, LSTM with or without
 * input_forget, projections and peepholes) with any activation whose slope follows from its output, of any depth,
 * bidirectional or not, with or without bias, dropout, lengths, tied layers, gate clipping and
 * LSTM peepholes. Not yet: GRU with the reset gate before the hidden product.
 */
export function trainingUnsupportedReason(spec: RnnSpec): string | null {
  if (spec.mode === 'gru' && !spec.linearBeforeReset) {
    return 'training gru with linearBeforeReset false (ONNX\'s default reset-before form) is not implemented (PyTorch\'s linearBeforeReset true trains)';
  }
  const acts = [...spec.activations, ...spec.reverseActivations];
  const bad = acts.find((a) => derivativeFromOutput(a, 'y') === null);
  if (bad) return `training with ${bad.name} alpha ${bad.alpha} is not implemented (its slope does not follow from its output)`;
  // Backward workgroup memory (backwardWordsPerRow), at least one row.
  const words = backwardWordsPerRow(spec);
  if (words > 4096) return `training ${spec.mode} with hiddenSize ${spec.hiddenSize} needs ${4 * words} bytes of workgroup memory, more than the 16384 every WebGPU device offers`;
  return null;
}
