import type { ForwardResult, RnnState } from '@deeprnn/core';
import { take } from './axis-ops.js';
import { STATE_BATCH_AXIS } from './layout.js';

/** The batch rows `rows` of a state (h and c). */
export function takeStateRows(state: RnnState | undefined, rows: readonly number[]): RnnState | undefined {
  if (!state) return undefined;
  const h = take(state.h, STATE_BATCH_AXIS, rows);
  return state.c ? { h, c: take(state.c, STATE_BATCH_AXIS, rows) } : { h };
}

/** The state rows `rows` (first axis: layer * D + direction) of h and c. */
export function takeStateLayers(state: RnnState | undefined, layers: readonly number[]): RnnState | undefined {
  if (!state) return undefined;
  const h = take(state.h, 0, layers);
  return state.c ? { h, c: take(state.c, 0, layers) } : { h };
}

/** The batch rows `rows` of a forward result whose output has its batch on `outputBatchAxis`. */
export function takeResultRows(result: ForwardResult, outputBatchAxis: number, rows: readonly number[]): ForwardResult {
  return { output: take(result.output, outputBatchAxis, rows), state: takeStateRows(result.state, rows) as RnnState };
}
