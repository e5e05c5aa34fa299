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
export function allocStepBuffers(w: DirectionWeights, B: number, dtype: DType, h0: FloatArray, c0: FloatArray | null): StepBuffers {
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
