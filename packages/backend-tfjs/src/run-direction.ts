import * as tf from '@tensorflow/tfjs-core';
import type { Cell, CellState } from './cell.js';
import type { StepMasks } from './step-masks.js';

/** The feature count of a `[B, F]` tensor. */
function width(t: tf.Tensor): number {
  return t.shape[1] ?? 0;
}

/** The outputs of one direction of one layer: `outputs[t]` is `[B, Hout]`, in time order. */
export interface DirectionResult {
  readonly outputs: tf.Tensor[];
  readonly final: CellState;
}

/**
 * Runs a cell over the per-step inputs, forward (t = 0 … T-1) or in reverse (t = T-1 … 0).
 * With masks, a row past its length keeps its state and outputs zeros; in reverse that means each
 * row starts at its own last valid step, as ONNX `sequence_lens` and PyTorch packed sequences do.
 */
export function runDirection(
  cell: Cell,
  steps: readonly (readonly tf.Tensor[])[],
  initial: CellState,
  isReverse: boolean,
  masks: StepMasks | null,
): DirectionResult {
  const T = steps.length;
  const outputs = new Array<tf.Tensor>(T);
  let state = initial;
  for (let k = 0; k < T; k++) {
    const t = isReverse ? T - 1 - k : k;
    const next = cell.step(steps[t] ?? [], state);
    const hMask = masks?.at(t, width(next.h)) ?? null;
    if (masks === null || hMask === null) {
      outputs[t] = next.h;
      state = next;
      continue;
    }
    outputs[t] = tf.where(hMask, next.h, masks.zeros(width(next.h)));
    let c: tf.Tensor | null = null;
    if (next.c !== null && state.c !== null) {
      const cMask = masks.at(t, width(next.c)) ?? hMask;
      c = tf.where(cMask, next.c, state.c);
    }
    state = { h: tf.where(hMask, next.h, state.h), c };
  }
  return { outputs, final: state };
}
