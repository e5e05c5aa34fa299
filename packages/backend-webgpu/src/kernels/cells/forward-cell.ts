import type { RnnSpec } from '@deeprnn/core';
import type { CellNames } from './cell-names.js';
import { RNN_CELL } from './rnn-cell.js';
import { GRU_CELL, GRU_RESET_BEFORE_CELL } from './gru-cell.js';
import { lstmCell } from './lstm-cell.js';

/**
 * The forward math of one mode, written once for the inference recurrence and the training
 * forward (see {@link CellNames} for what the two kernels supply).
 */
export interface ForwardCell {
  /**
   * The values a training forward records for the backward, in record-slot order (the backward
   * cells in train/ read them by these names); the clip masks, one per gate, follow them.
   */
  readonly records: readonly string[];
  /** Values the first phase keeps for {@link ForwardCell.finish} (`carry`/`carried` of {@link CellNames}). */
  readonly carries: readonly string[];
  /** Gates whose hidden products the main phase needs (reset-before GRU: r and z; n is the second phase's). */
  readonly gates: number;
  /** The per-unit update once the hidden products are done: emits h, or parks what a second phase needs. */
  update(names: CellNames): string;
  /**
   * The per-unit end of a second phase after a barrier, once every unit's parked value has been
   * multiplied in (reset-before GRU's n and h); null without one. An LSTM projection is
   * projection-phase.ts, not per unit.
   */
  readonly finish: ((names: CellNames) => string) | null;
}

/** The forward cell of a spec's mode and options. */
export function forwardCell(spec: RnnSpec): ForwardCell {
  if (spec.mode === 'gru') return spec.linearBeforeReset ? GRU_CELL : GRU_RESET_BEFORE_CELL;
  if (spec.mode === 'lstm') return lstmCell(spec);
  return RNN_CELL;
}
