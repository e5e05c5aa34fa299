import type { RnnSpec } from '@deeprnn/core';

/**
 * Why ONNX Runtime cannot train `spec`, or null. The training graphs are written from the same
 * standard operators for every option (modes, directions, projections, peepholes, input_forget,
 * either GRU reset placement, tied layers, gate clipping, every activation, lengths, dropout), so
 * every spec the forward runs trains.
 */
export function trainingUnsupportedReason(_spec: RnnSpec): string | null {
  return null;
}
