import type { RnnSpec } from '../config.js';
import type { DType } from '../tensor.js';
import { type DirectionTape, allocTape } from './backward/tape.js';
import type { DirectionWeights } from './direction-weights.js';
import { gruStep } from './gru-cell.js';
import { inputProjection } from './input-projection.js';
import { lstmStep } from './lstm-cell.js';
import type { FloatArray } from './matmul.js';
import { rnnStep } from './rnn-cell.js';
import { type ActiveRows, allocStepBuffers, markActiveRows, writeStepOutput } from './step-buffers.js';
import { type StepContext, type StepSink, scratchSink, tapeSink } from './step-sink.js';

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

/** The cell family of a mode. */
export function cellKind(spec: RnnSpec): 'rnn' | 'gru' | 'lstm' {
  return spec.mode === 'lstm' ? 'lstm' : spec.mode === 'gru' ? 'gru' : 'rnn';
}

/** The one step function of each cell family. */
const CELL_STEPS: Readonly<Record<'rnn' | 'gru' | 'lstm', (ctx: StepContext, t: number) => void>> = {
  rnn: rnnStep,
  gru: gruStep,
  lstm: lstmStep,
};

/**
 * Runs one layer-direction over the whole sequence: the input projection of all steps as one matrix
 * product, then the recurrence step by step. A row stops at its length: its state freezes and its
 * outputs stay zero; the reverse direction starts each row at its last valid step. With `record`, the
 * same walk (same products, same order of operations, so the same numbers) keeps every step's state
 * and gates in a tape for the backward pass.
 *
 * @returns the final h [B, Hout] and c [B, H], and the tape when recording.
 */
export function runDirection(
  spec: RnnSpec,
  w: DirectionWeights,
  run: DirectionRun,
  dtype: DType,
  record = false,
): { h: FloatArray; c: FloatArray | null; tape: DirectionTape | null } {
  const { T, B, lengths } = run;
  const xproj = inputProjection(w, run.x, T * B, dtype);
  const kind = cellKind(spec);
  const s = allocStepBuffers(w, B, dtype, run.h0, run.c0);
  const tape = record ? allocTape(w, kind, spec.clip !== null, run.x, T, B, run.reverse, lengths, dtype) : null;
  const sink: StepSink = tape ? tapeSink(tape, w) : scratchSink(w, s, dtype);
  const active: ActiveRows = lengths ? new Uint8Array(B) : null;
  const ctx: StepContext = { w, clip: spec.clip, inputForget: spec.inputForget, xproj, s, sink, active };
  const step = CELL_STEPS[kind];
  const Hout = w.stateSize;
  const H = w.hiddenSize;
  for (let i = 0; i < T; i++) {
    const t = run.reverse ? T - 1 - i : i;
    if (active && lengths && !markActiveRows(active, lengths, t)) continue;
    if (tape) {
      tape.hPrev.set(s.h, t * B * Hout);
      if (tape.cPrev && s.c) tape.cPrev.set(s.c, t * B * H);
    }
    step(ctx, t);
    writeStepOutput(s.h, active, t, Hout, run);
  }
  return { h: s.h, c: s.c, tape };
}
