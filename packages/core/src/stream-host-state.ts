import type { RnnState } from './backend.js';
import type { RnnSpec } from './config.js';
import type { FloatArray } from './reference/matmul.js';
import { streamStateShapes } from './stream-checks.js';
import { type DType, type Tensor, tensor } from './tensor.js';

function alloc(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * A stream's state kept in host arrays of one dtype: h `[L, B, Hout]`, c `[L, B, H]` (LSTM), and the
 * start state that rows return to on a per-row reset. The state of the reference's stream, and of
 * streams built on `forward` (whose backends keep nothing between calls).
 */
export class HostStreamState {
  /** The state's shapes for B rows: h `[L, B, Hout]`, c `[L, B, H]`. */
  readonly shapes: {
    /** Shape of h: `[L, B, Hout]`. */
    readonly h: number[];
    /** Shape of c: `[L, B, H]` (also given when the mode has no c). */
    readonly c: number[];
  };
  /** Hidden state `[L, B, Hout]`, row-major, updated in place by each step. */
  h: FloatArray;
  /** LSTM cell state `[L, B, H]`, updated in place; null for the other modes. */
  c: FloatArray | null;
  #startH: FloatArray;
  #startC: FloatArray | null;

  constructor(
    private readonly spec: RnnSpec,
    private readonly B: number,
    dtype: DType,
    initial: RnnState | null,
  ) {
    this.shapes = streamStateShapes(spec, B);
    const nh = spec.numLayers * B * (this.shapes.h[2] as number);
    const nc = spec.numLayers * B * spec.hiddenSize;
    this.#startH = alloc(dtype, nh);
    this.#startC = spec.mode === 'lstm' ? alloc(dtype, nc) : null;
    this.h = alloc(dtype, nh);
    this.c = this.#startC ? alloc(dtype, nc) : null;
    this.load(initial);
  }

  /** Sets the state and the start state to `initial` (zeros when null). */
  load(initial: RnnState | null): void {
    this.#startH.fill(0);
    this.#startC?.fill(0);
    if (initial) this.#startH.set(initial.h.data);
    if (initial?.c && this.#startC) this.#startC.set(initial.c.data);
    this.h.set(this.#startH);
    if (this.c && this.#startC) this.c.set(this.#startC);
  }

  /** Rows flagged in `mask` go back to the start state. */
  resetRows(mask: Uint8Array): void {
    const copy = (dst: FloatArray, src: FloatArray, F: number): void => {
      for (let l = 0; l < this.spec.numLayers; l++) {
        for (let b = 0; b < this.B; b++) {
          if (!mask[b]) continue;
          const at = (l * this.B + b) * F;
          dst.set(src.subarray(at, at + F), at);
        }
      }
    };
    copy(this.h, this.#startH, this.shapes.h[2] as number);
    if (this.c && this.#startC) copy(this.c, this.#startC, this.spec.hiddenSize);
  }

  /** The state as tensors over the live arrays (no copy): for handing to a forward call. */
  view(): RnnState {
    const h = tensor(this.h, this.shapes.h);
    return this.c ? { h, c: tensor(this.c, this.shapes.c) } : { h };
  }

  /** A copy of the state the caller may keep. */
  snapshot(): RnnState {
    const h: Tensor = tensor(this.h.slice(), this.shapes.h);
    return this.c ? { h, c: tensor(this.c.slice(), this.shapes.c) } : { h };
  }

  /** Replaces the state with `state` (same shapes), converting to this state's dtype. */
  store(state: RnnState): void {
    this.h.set(state.h.data);
    if (this.c && state.c) this.c.set(state.c.data);
  }
}
