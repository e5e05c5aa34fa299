import type { DType } from '../../tensor.js';
import type { DirectionWeights } from '../direction-weights.js';
import { type FloatArray, matmulAccumulate, transpose } from '../matmul.js';
import type { ActiveRows } from '../step-buffers.js';
import type { BackContext, DirectionGrads, RawDirection } from './contexts.js';
import { backGruStep } from './gru-backward.js';
import { backLstmStep } from './lstm-backward.js';
import { backRnnStep } from './rnn-grad.js';
import type { DirectionTape } from './tape.js';

/** Where one direction reads its output gradient and writes its input gradient. */
export interface DirectionBack {
  /** dL/d(layer output) [T, B, D*Hout]; this direction reads columns [outOffset, outOffset + Hout). */
  readonly dOut: FloatArray;
  readonly outOffset: number;
  readonly outStride: number;
  /** dL/d(final h) [B, Hout] and dL/d(final c) [B, H]; consumed (become dL/dh0, dL/dc0). */
  readonly dh: FloatArray;
  readonly dc: FloatArray | null;
  /** dL/d(layer input) [T, B, I], accumulated into. */
  readonly dx: FloatArray;
}

/**
 * Backpropagation through time over one layer-direction: steps in the reverse of the order the forward
 * took them, then the weight gradients as whole-sequence products (dW_ih += dpre^T · x,
 * dW_hh += dpre_hh^T · h_prev, biases as column sums). A row's gradient passes unchanged through steps
 * past its length, where its state was frozen.
 */
export function backDirection(
  w: DirectionWeights,
  raw: RawDirection,
  tape: DirectionTape,
  inputForget: boolean,
  io: DirectionBack,
  grads: DirectionGrads,
  dtype: DType,
): void {
  const { T, B, lengths } = tape;
  const H = w.hiddenSize;
  const Hout = w.stateSize;
  const GH = w.gates * H;
  const alloc = (n: number): FloatArray => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const dpre = alloc(T * B * GH);
  const isGruResetAfter = w.gates === 3 && w.whnT === null;
  const dpreHH = isGruResetAfter ? alloc(T * B * GH) : dpre;
  const active: ActiveRows = lengths ? new Uint8Array(B) : null;
  const ctx: BackContext = {
    w,
    raw,
    tape,
    grads,
    inputForget,
    dh: io.dh,
    dc: io.dc,
    dpre,
    dpreHH,
    dhProj: raw.whr ? alloc(T * B * Hout) : null,
    active,
    scratch: alloc(B * Math.max(GH, Hout)),
    scratch2: alloc(B * H),
    wide: {
      row: new Float64Array(w.gates === 4 ? H : 0),
      dn: new Float64Array(w.whnT ? B * H : 0),
      drh: new Float64Array(w.whnT ? B * H : 0),
      rz: new Float64Array(w.whnT ? B * 2 * H : 0),
    },
  };
  const step = w.gates === 4 ? backLstmStep : w.gates === 3 ? backGruStep : backRnnStep;
  for (let i = T - 1; i >= 0; i--) {
    const t = tape.reverse ? T - 1 - i : i;
    let any = true;
    if (active && lengths) {
      any = false;
      for (let b = 0; b < B; b++) {
        active[b] = t < lengths[b]! ? 1 : 0;
        any ||= active[b] === 1;
      }
    }
    if (!any) continue;
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const src = (t * B + b) * io.outStride + io.outOffset;
      for (let j = 0; j < Hout; j++) io.dh[b * Hout + j] = io.dh[b * Hout + j]! + io.dOut[src + j]!;
    }
    step(ctx, t);
  }
  weightGradients(w, raw, tape, ctx, io.dx, grads);
}

function weightGradients(
  w: DirectionWeights,
  raw: RawDirection,
  tape: DirectionTape,
  ctx: BackContext,
  dx: FloatArray,
  grads: DirectionGrads,
): void {
  const rows = tape.T * tape.B;
  const H = w.hiddenSize;
  const Hout = w.stateSize;
  const GH = w.gates * H;
  const I = w.inputSize;
  matmulAccumulate(ctx.dpre, 0, raw.wih, 0, dx, 0, rows, GH, I);
  const dpreT = transpose(ctx.dpre, rows, GH);
  matmulAccumulate(dpreT, 0, tape.x, 0, grads.wih, 0, GH, rows, I);
  const dhhT = ctx.dpreHH === ctx.dpre ? dpreT : transpose(ctx.dpreHH, rows, GH);
  if (w.whnT && tape.aux) {
    // GRU without linearBeforeReset: W_hn multiplies r ⊙ h, not h.
    matmulAccumulate(dhhT, 0, tape.hPrev, 0, grads.whh, 0, 2 * H, rows, Hout);
    matmulAccumulate(dhhT, 2 * H * rows, tape.aux, 0, grads.whh, 2 * H * Hout, H, rows, H);
  } else {
    matmulAccumulate(dhhT, 0, tape.hPrev, 0, grads.whh, 0, GH, rows, Hout);
  }
  if (grads.bih) columnSums(ctx.dpre, rows, GH, grads.bih);
  if (grads.bhh) columnSums(ctx.dpreHH, rows, GH, grads.bhh);
  if (grads.whr && ctx.dhProj && tape.hFull) {
    const dT = transpose(ctx.dhProj, rows, Hout);
    matmulAccumulate(dT, 0, tape.hFull, 0, grads.whr, 0, Hout, rows, H);
  }
}

function columnSums(a: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] = out[j]! + a[o + j]!;
  }
}
