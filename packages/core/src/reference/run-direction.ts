import type { RnnSpec } from '../config.js';
import type { DType } from '../tensor.js';
import type { DirectionWeights } from './direction-weights.js';
import { gruStep } from './gru-cell.js';
import { lstmStep } from './lstm-cell.js';
import { inputProjection } from './input-projection.js';
import type { FloatArray } from './matmul.js';
import { rnnStep } from './rnn-cell.js';
import { type ActiveRows, allocStepBuffers, markActiveRows, writeStepOutput } from './step-buffers.js';

/** Where one direction reads its input and writes its share of the layer output. */
export interface DirectionRun {
  /** Layer input, time-major [T, B, I]. */
  readonly x: FloatArray;
  readonly T: number;
  readonly B: number;
  readonly reverse: boolean;
  /** Valid steps per batch row, or null when every row runs all T steps. */
  readonly lengths: Int32Array | null;
  /** Initial h rows [B, Hout] and c rows [B, H]. */
  readonly h0: FloatArray;
  readonly c0: FloatArray | null;
  /** Layer output [T, B, D*Hout]; this direction writes columns [outOffset, outOffset + Hout). */
  readonly out: FloatArray;
  readonly outOffset: number;
  readonly outStride: number;
}

/**
 * Runs one layer-direction over the whole sequence: the input projection of all steps as one matrix
 * product, then the recurrence step by step. A row stops at its length: its state freezes and its
 * outputs stay zero; the reverse direction starts each row at its last valid step.
 *
 * @returns the final h [B, Hout] and c [B, H].
 */
export function runDirection(spec: RnnSpec, w: DirectionWeights, run: DirectionRun, dtype: DType): { h: FloatArray; c: FloatArray | null } {
  const { T, B, lengths } = run;
  const xproj = inputProjection(w, run.x, T * B, dtype);

  const s = allocStepBuffers(w, B, dtype, run.h0, run.c0);
  const active: ActiveRows = lengths ? new Uint8Array(B) : null;
  const Hout = w.stateSize;
  for (let step = 0; step < T; step++) {
    const t = run.reverse ? T - 1 - step : step;
    if (active && lengths && !markActiveRows(active, lengths, t)) continue;
    if (spec.mode === 'lstm') lstmStep(w, spec.clip, spec.inputForget, xproj, t, s, active);
    else if (spec.mode === 'gru') gruStep(w, spec.clip, xproj, t, s, active);
    else rnnStep(w, spec.clip, xproj, t, s, active);
    writeStepOutput(s.h, active, t, Hout, run);
  }
  return { h: s.h, c: s.c };
}
