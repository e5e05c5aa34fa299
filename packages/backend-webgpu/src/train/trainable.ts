import type { RnnSpec } from '@deeprnn/core';
import { derivativeFromOutput } from '../kernels/activation-table.js';
import { trainWorkgroup } from './recurrence-kernels.js';
import { workgroupProblem } from '../kernels/workgroup-memory.js';

/**
 * Why the training kernels cannot train `spec`, or null. They train every spec the forward runs
 * (every mode: rnn_tanh, rnn_relu, GRU with the reset gate after or before the hidden product,
 * LSTM with input_forget, projections and peepholes; any depth, bidirectional, bias or not,
 * dropout, lengths, tied layers, gate clipping) except two limits: an activation whose slope does
 * not follow from its output (LeakyRelu/Elu with alpha <= 0, ScaledTanh with alpha 0, Selu with
 * alpha < 0 or gamma <= 0), and a hidden size whose recurrences (the recording forward and the
 * backward, one batch row each) do not fit the device's workgroup memory, `limitBytes` (its
 * `maxComputeWorkgroupStorageSize`).
 */
export function trainingUnsupportedReason(spec: RnnSpec, limitBytes: number): string | null {
  const acts = [...spec.activations, ...spec.reverseActivations];
  const bad = acts.find((a) => derivativeFromOutput(a, 'y') === null);
  if (bad)
    return `training with ${bad.name} alpha ${bad.alpha}${bad.beta === undefined ? '' : ` beta ${bad.beta}`} is not implemented (its slope does not follow from its output)`;
  const what = (pass: string): string =>
    `training ${spec.mode}${spec.mode === 'gru' && !spec.linearBeforeReset ? ' (linearBeforeReset false)' : ''} hiddenSize ${spec.hiddenSize}${spec.projSize > 0 ? ` with projSize ${spec.projSize}` : ''}: its ${pass} recurrence`;
  return (
    workgroupProblem(what('backward'), trainWorkgroup(spec, 1, 'backward'), limitBytes) ??
    workgroupProblem(what('forward'), trainWorkgroup(spec, 1, 'forward'), limitBytes)
  );
}
