import type { DType } from '../tensor.js';
import { clipSpan } from './activate.js';
import { clipRecording } from './backward/activation-grad.js';
import type { DirectionTape } from './backward/tape.js';
import type { DirectionWeights } from './direction-weights.js';
import type { FloatArray } from './matmul.js';
import type { ActiveRows, StepBuffers } from './step-buffers.js';

/**
 * Where a cell step writes what it computes. Inference: one step's scratch rows, reused every step
 * (gates activated in place over their pre-activations). Training: the direction's tape, where step t
 * has its own rows, kept for the backward pass. Rows of step t start at `gateOffset(t)` in the
 * `[.., G*H]` buffers and at `rowOffset(t)` in the `[.., H]` ones; row b is b rows further. The
 * buffers mean what the tape's fields of the same names mean; for inference `gates` is `pre` itself
 * (activated in place) and `inRange` is null.
 */
export interface StepSink extends Pick<
  DirectionTape,
  'pre' | 'gates' | 'inRange' | 'cell' | 'cellAct' | 'hFull' | 'aux'
> {
  gateOffset(t: number): number;
  rowOffset(t: number): number;
}

/** Everything a cell step reads and writes. */
export interface StepContext {
  readonly w: DirectionWeights;
  readonly clip: number | null;
  readonly inputForget: boolean;
  /** x·W_ih^T + biases of every step, [T, B, G*H]. */
  readonly xproj: FloatArray;
  readonly s: StepBuffers;
  readonly sink: StepSink;
  readonly active: ActiveRows;
}

/** Scratch rows for inference: nothing outlives the step. */
export function scratchSink(w: DirectionWeights, s: StepBuffers, dtype: DType): StepSink {
  const alloc = (n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const rows = s.B * w.hiddenSize;
  const isLstm = w.gates === 4;
  return {
    pre: s.gates,
    gates: s.gates,
    inRange: null,
    cell: isLstm ? alloc(rows) : null,
    cellAct: isLstm ? alloc(rows) : null,
    hFull: isLstm && w.whrT ? alloc(rows) : null,
    aux: w.gates === 3 ? alloc(rows) : null,
    gateOffset: () => 0,
    rowOffset: () => 0,
  };
}

/** The tape of a recording walk: every step keeps its rows. */
export function tapeSink(tape: DirectionTape, w: DirectionWeights): StepSink {
  const GH = w.gates * w.hiddenSize;
  const H = w.hiddenSize;
  return {
    pre: tape.pre,
    gates: tape.gates,
    inRange: tape.inRange,
    cell: tape.cell,
    cellAct: tape.cellAct,
    hFull: tape.hFull,
    aux: tape.aux,
    gateOffset: (t) => t * tape.B * GH,
    rowOffset: (t) => t * tape.B * H,
  };
}

/** Clamps buf[off..off+n) to [-clip, clip], recording which values passed when the sink keeps that. */
export function clipInSink(sink: StepSink, buf: FloatArray, off: number, n: number, clip: number | null): void {
  if (clip === null) return;
  if (sink.inRange) clipRecording(buf, off, n, clip, sink.inRange);
  else clipSpan(buf, off, off + n, clip);
}

/** Copies pre-activations into the gates buffer when the two differ (a recording sink). */
export function preToGates(sink: StepSink, off: number, n: number): void {
  if (sink.gates !== sink.pre) sink.gates.set(sink.pre.subarray(off, off + n), off);
}
