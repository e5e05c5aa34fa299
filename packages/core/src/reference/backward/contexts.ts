import type { DirectionWeights } from '../direction-weights.js';
import type { FloatArray } from '../matmul.js';
import type { ActiveRows } from '../step-buffers.js';
import type { DirectionTape } from './tape.js';

/** One layer-direction's weights in PyTorch's layout ([out, in]), which the backward pass multiplies by. */
export interface RawDirection {
  /** W_ih [G*H, I]. */
  readonly wih: FloatArray;
  /** W_hh [G*H, Hout]. */
  readonly whh: FloatArray;
  /** LSTM projection W_hr [Hout, H]. */
  readonly whr: FloatArray | null;
  /** LSTM peepholes [3H]: P_i, P_f, P_o. */
  readonly ph: FloatArray | null;
}

/** Gradient accumulators of one stored layer-direction, in the parameters' shapes. */
export interface DirectionGrads {
  readonly wih: FloatArray;
  readonly whh: FloatArray;
  readonly bih: FloatArray | null;
  readonly bhh: FloatArray | null;
  readonly whr: FloatArray | null;
  readonly ph: FloatArray | null;
}

/** Everything a backward step reads and writes. */
export interface BackContext {
  readonly w: DirectionWeights;
  readonly raw: RawDirection;
  readonly tape: DirectionTape;
  readonly grads: DirectionGrads;
  readonly inputForget: boolean;
  /** Running dL/dh [B, Hout]: on entry the gradient of the state after step t, on exit before it. */
  readonly dh: FloatArray;
  /** Running dL/dc [B, H] (LSTM), same convention. */
  readonly dc: FloatArray | null;
  /** dL/d(gate pre-activation) as seen by W_ih and b_ih, [T, B, G*H]. */
  readonly dpre: FloatArray;
  /** The same as seen by W_hh and b_hh (differs for GRU's n block), [T, B, G*H]; may alias dpre. */
  readonly dpreHH: FloatArray;
  /** LSTM projection: dL/dh at each step, for W_hr's gradient, [T, B, Hout]. */
  readonly dhProj: FloatArray | null;
  /** Rows taking part in this step (null: all). */
  readonly active: ActiveRows;
  /** Scratch [B, max(G*H, Hout)] and [B, H]. */
  readonly scratch: FloatArray;
  readonly scratch2: FloatArray;
  /**
   * Float64 scratch reused by every step (allocated once per walk, not per step): LSTM's
   * dL/dh(c) row [H]; GRU without linearBeforeReset's da_n, (da_n · W_hn) and [da_r, da_z] rows.
   */
  readonly wide: {
    readonly row: Float64Array;
    readonly dn: Float64Array;
    readonly drh: Float64Array;
    readonly rz: Float64Array;
  };
}
