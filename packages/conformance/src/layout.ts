import type { RnnSpec } from '@deeprnn/core';

/** The time axis of an input or output tensor. */
export function timeAxis(spec: RnnSpec, isUnbatched: boolean): number {
  return !isUnbatched && spec.batchFirst ? 1 : 0;
}

/** The batch axis of an input or output tensor (batched calls only). */
export function batchAxis(spec: RnnSpec): number {
  return spec.batchFirst ? 0 : 1;
}

/** The batch axis of h and c (batched calls only): states are [L*D, B, F] whatever batchFirst says. */
export const STATE_BATCH_AXIS = 1;
