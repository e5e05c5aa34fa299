import { matmulAccumulate } from '../matmul.js';
import { maskClipped, scaleByDerivative } from './activation-grad.js';
import type { BackContext } from './contexts.js';

/**
 * Backward through one GRU step. With h' = (1-z) n + z h: dn = dh (1-z), dz = dh (h - n), and h gets
 * dh z directly. The reset gate's gradient comes from the n block: dr = da_n ⊙ (W_hn h + b_hn) with
 * linearBeforeReset, else dr = (da_n · W_hn) ⊙ h, which also sends (da_n · W_hn) ⊙ r to h.
 */
export function backGruStep(ctx: BackContext, t: number): void {
  const { w, tape, dh, dpre, dpreHH, active, scratch, scratch2 } = ctx;
  const H = w.hiddenSize;
  const G = 3 * H;
  const B = tape.B;
  const { pre, gates, inRange, hPrev } = tape;
  const aux = tape.aux!;
  const [f, g] = [w.activations[0]!, w.activations[1]!];
  const isResetAfter = w.whnT === null;
  const direct = scratch2;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    const hb = (t * B + b) * H;
    for (let j = 0; j < H; j++) {
      const z = gates[o + H + j]!;
      const d = dh[b * H + j]!;
      dpre[o + 2 * H + j] = d * (1 - z);
      dpre[o + H + j] = d * (hPrev[hb + j]! - gates[o + 2 * H + j]!);
      direct[b * H + j] = d * z;
    }
    scaleByDerivative(g, pre, gates, o + 2 * H, dpre, o + 2 * H, H);
    maskClipped(inRange, o + 2 * H, dpre, o + 2 * H, H);
    scaleByDerivative(f, pre, gates, o + H, dpre, o + H, H);
    maskClipped(inRange, o + H, dpre, o + H, H);
    if (isResetAfter) {
      for (let j = 0; j < H; j++) dpre[o + j] = dpre[o + 2 * H + j]! * aux[hb + j]!;
      finishReset(ctx, o);
      for (let j = 0; j < 2 * H; j++) dpreHH[o + j] = dpre[o + j]!;
      for (let j = 0; j < H; j++) dpreHH[o + 2 * H + j] = dpre[o + 2 * H + j]! * gates[o + j]!;
    }
  }
  scratch.fill(0, 0, B * H);
  if (isResetAfter) {
    matmulAccumulate(dpreHH, t * B * G, ctx.raw.whh, 0, scratch, 0, B, G, H);
  } else {
    resetBeforeHidden(ctx, t);
  }
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    for (let j = 0; j < H; j++) dh[b * H + j] = direct[b * H + j]! + scratch[b * H + j]!;
  }
}

function finishReset(ctx: BackContext, o: number): void {
  const { w, tape, dpre } = ctx;
  scaleByDerivative(w.activations[0]!, tape.pre, tape.gates, o, dpre, o, w.hiddenSize);
  maskClipped(tape.inRange, o, dpre, o, w.hiddenSize);
}

/**
 * Without linearBeforeReset: d(r ⊙ h) = da_n · W_hn gives dr and part of dh; the r and z blocks reach
 * h through W_hh's first 2H rows. Leaves dh_prev minus the direct term in `scratch`.
 */
function resetBeforeHidden(ctx: BackContext, t: number): void {
  const { w, tape, dpre, active, scratch, scratch2: direct } = ctx;
  const H = w.hiddenSize;
  const G = 3 * H;
  const B = tape.B;
  const whh = ctx.raw.whh;
  // rows of da_n and of [da_r, da_z] packed contiguously so one product each covers the batch.
  const { dn, drh, rz } = ctx.wide;
  dn.fill(0);
  drh.fill(0);
  rz.fill(0);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    for (let j = 0; j < H; j++) dn[b * H + j] = dpre[o + 2 * H + j]!;
  }
  matmulAccumulate(dn, 0, whh, 2 * H * H, drh, 0, B, H, H);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    const hb = (t * B + b) * H;
    for (let j = 0; j < H; j++) {
      dpre[o + j] = drh[b * H + j]! * tape.hPrev[hb + j]!;
      direct[b * H + j] = direct[b * H + j]! + drh[b * H + j]! * tape.gates[o + j]!;
    }
    finishReset(ctx, o);
    for (let j = 0; j < 2 * H; j++) rz[b * 2 * H + j] = dpre[o + j]!;
  }
  matmulAccumulate(rz, 0, whh, 0, scratch, 0, B, 2 * H, H);
}
