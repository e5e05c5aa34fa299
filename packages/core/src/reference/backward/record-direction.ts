import type { RnnSpec } from '../../config.js';
import type { DType } from '../../tensor.js';
import type { DirectionWeights } from '../direction-weights.js';
import type { FloatArray } from '../matmul.js';
import { inputProjection } from '../input-projection.js';
import type { DirectionRun } from '../run-direction.js';
import { type ActiveRows, allocStepBuffers, markActiveRows, writeStepOutput } from '../step-buffers.js';
import type { RecordContext } from './contexts.js';
import { recordGruStep } from './gru-record.js';
import { recordLstmStep } from './lstm-record.js';
import { recordRnnStep } from './rnn-grad.js';
import { type DirectionTape, allocTape } from './tape.js';

/** The cell family of a mode. */
export function cellKind(spec: RnnSpec): 'rnn' | 'gru' | 'lstm' {
  return spec.mode === 'lstm' ? 'lstm' : spec.mode === 'gru' ? 'gru' : 'rnn';
}

/**
 * `runDirection` with a tape: the same walk over time (same products, same order of operations, so the
 * same numbers), keeping every step's state and gates for {@link backDirection}.
 *
 * @returns the tape and the final h [B, Hout] and c [B, H].
 */
export function recordDirection(
  spec: RnnSpec,
  w: DirectionWeights,
  run: DirectionRun,
  dtype: DType,
): { tape: DirectionTape; h: FloatArray; c: FloatArray | null } {
  const { T, B, lengths } = run;
  const xproj = inputProjection(w, run.x, T * B, dtype);

  const kind = cellKind(spec);
  const tape = allocTape(w, kind, spec.clip !== null, run.x, T, B, run.reverse, lengths, dtype);
  const s = allocStepBuffers(w, B, dtype, run.h0, run.c0);
  const active: ActiveRows = lengths ? new Uint8Array(B) : null;
  const ctx: RecordContext = { w, clip: spec.clip, inputForget: spec.inputForget, xproj, s, tape, active };
  const step = kind === 'lstm' ? recordLstmStep : kind === 'gru' ? recordGruStep : recordRnnStep;
  const Hout = w.stateSize;
  const H = w.hiddenSize;
  for (let i = 0; i < T; i++) {
    const t = run.reverse ? T - 1 - i : i;
    if (active && lengths && !markActiveRows(active, lengths, t)) continue;
    tape.hPrev.set(s.h, t * B * Hout);
    if (tape.cPrev && s.c) tape.cPrev.set(s.c, t * B * H);
    step(ctx, t);
    writeStepOutput(s.h, active, t, Hout, run);
  }
  return { tape, h: s.h, c: s.c };
}
