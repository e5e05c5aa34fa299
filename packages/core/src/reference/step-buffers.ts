import type { DType } from '../tensor.js';
import type { DirectionWeights } from './direction-weights.js';
import type { FloatArray } from './matmul.js';

/** State and scratch space for one layer-direction's walk over time; allocated once per walk. */
export interface StepBuffers {
  readonly B: number;
  /** Current hidden state [B, Hout], updated in place. */
  readonly h: FloatArray;
  /** Current cell state [B, H] (LSTM), updated in place. */
  readonly c: FloatArray | null;
  /** h · W_hh^T for this step [B, whhCols]. */
  readonly hh: FloatArray;
  /** Gate pre-activations, then activations, of this step [B, G*H]. */
  readonly gates: FloatArray;
  /** GRU reset-before: r ⊙ h; LSTM projection: o ⊙ act(c) before W_hr. [B, H]. */
  readonly tmpH: FloatArray;
  /** GRU reset-before: W_hn (r ⊙ h); LSTM projection: projected h. [B, max(H, Hout)]. */
  readonly tmpOut: FloatArray;
}

/** Allocates step buffers, with h and c starting from the given initial rows. */
export function allocStepBuffers(
  w: DirectionWeights,
  B: number,
  dtype: DType,
  h0: FloatArray,
  c0: FloatArray | null,
): StepBuffers {
  const alloc = (n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const h = alloc(B * w.stateSize);
  h.set(h0);
  let c: FloatArray | null = null;
  if (w.gates === 4) {
    c = alloc(B * w.hiddenSize);
    if (c0) c.set(c0);
  }
  return {
    B,
    h,
    c,
    hh: alloc(B * w.whhCols),
    gates: alloc(B * w.gates * w.hiddenSize),
    tmpH: alloc(B * w.hiddenSize),
    tmpOut: alloc(B * Math.max(w.hiddenSize, w.stateSize)),
  };
}

/** Which batch rows take part in a step: null means all of them. */
export type ActiveRows = Uint8Array | null;

/**
 * Marks the rows that take part in step t (those with t < length) and says whether any does, so a
 * step every row has finished can be skipped.
 */
export function markActiveRows(active: Uint8Array, lengths: Int32Array, t: number): boolean {
  let any = false;
  for (let b = 0; b < active.length; b++) {
    active[b] = t < lengths[b]! ? 1 : 0;
    any ||= active[b] === 1;
  }
  return any;
}

/** Where a direction writes its share of the layer output [T, B, D*Hout]. */
export interface OutputSlot {
  readonly out: FloatArray;
  readonly outOffset: number;
  readonly outStride: number;
}

/** Copies the new state of every active row into the layer output at step t (other rows stay zero). */
export function writeStepOutput(h: FloatArray, active: ActiveRows, t: number, Hout: number, slot: OutputSlot): void {
  const B = h.length / Hout;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    slot.out.set(h.subarray(b * Hout, (b + 1) * Hout), (t * B + b) * slot.outStride + slot.outOffset);
  }
}
