import type { OptimizerState } from '@deeprnn/core';

/** The state of a fresh optimizer. */
export function initialOptimizerState(): OptimizerState {
  return { step: 0, moments: Object.freeze({}) };
}
