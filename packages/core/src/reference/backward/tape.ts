import type { DType } from '../../tensor.js';
import type { DirectionWeights } from '../direction-weights.js';
import type { FloatArray } from '../matmul.js';

/**
 * What the recording forward keeps of one layer-direction's walk over time, everything the backward
 * pass reads. Arrays are time-major and indexed by the real time step t (not the processing order), so
 * the reverse direction's step t sits at the same offset as the forward's.
 */
export interface DirectionTape {
  readonly T: number;
  readonly B: number;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
  /** Layer input [T, B, I] (after the previous layer's dropout). */
  readonly x: FloatArray;
  /** State before step t [T, B, Hout]. */
  readonly hPrev: FloatArray;
  /** LSTM cell state before step t [T, B, H]. */
  readonly cPrev: FloatArray | null;
  /** Gate pre-activations after peepholes and clipping [T, B, G*H]. */
  readonly pre: FloatArray;
  /** Gate activations [T, B, G*H] (LSTM f is 1 - i with inputForget). */
  readonly gates: FloatArray;
  /** With clip: 1 where the pre-activation was inside [-clip, clip], [T, B, G*H]. */
  readonly inRange: Uint8Array | null;
  /** LSTM c_t [T, B, H]. */
  readonly cell: FloatArray | null;
  /** LSTM h(c_t) [T, B, H]. */
  readonly cellAct: FloatArray | null;
  /** LSTM with projection: o ⊙ h(c_t) before W_hr [T, B, H]. */
  readonly hFull: FloatArray | null;
  /** GRU: W_hn·h + b_hn (linearBeforeReset) or r ⊙ h (otherwise) [T, B, H]. */
  readonly aux: FloatArray | null;
}

/** Allocates a tape for one layer-direction; `x` is the layer input it reads. */
export function allocTape(
  w: DirectionWeights,
  mode: 'rnn' | 'gru' | 'lstm',
  hasClip: boolean,
  x: FloatArray,
  T: number,
  B: number,
  reverse: boolean,
  lengths: Int32Array | null,
  dtype: DType,
): DirectionTape {
  const alloc = (n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const H = w.hiddenSize;
  const GH = w.gates * H;
  const isLstm = mode === 'lstm';
  return {
    T,
    B,
    reverse,
    lengths,
    x,
    hPrev: alloc(T * B * w.stateSize),
    cPrev: isLstm ? alloc(T * B * H) : null,
    pre: alloc(T * B * GH),
    gates: alloc(T * B * GH),
    inRange: hasClip ? new Uint8Array(T * B * GH) : null,
    cell: isLstm ? alloc(T * B * H) : null,
    cellAct: isLstm ? alloc(T * B * H) : null,
    hFull: isLstm && w.whrT ? alloc(T * B * H) : null,
    aux: mode === 'gru' ? alloc(T * B * H) : null,
  };
}

/** True when batch row b takes part in step t. */
export function isActive(tape: DirectionTape, t: number, b: number): boolean {
  return tape.lengths === null || t < tape.lengths[b]!;
}
