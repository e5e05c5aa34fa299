import type { FloatArray } from '../matmul.js';
import { matmulAccumulate } from '../matmul.js';
import { maskClipped, scaleByDerivative } from './activation-grad.js';
import type { BackContext } from './contexts.js';

/**
 * Backward through one LSTM step. With a projection dh is first stored for W_hr's gradient and carried
 * back through W_hr. Then do = dh ⊙ h(c), dc += dh ⊙ o ⊙ h'(c) + da_o ⊙ P_o, and from
 * c = f c_prev + i g: di = dc g, dg = dc i, df = dc c_prev, dc_prev = dc f (+ peephole terms); with
 * inputForget f = 1 - i, so di -= df and the f pre-activation gets nothing.
 */
export function backLstmStep(ctx: BackContext, t: number): void {
  const { w, tape, dh, dpre, active, scratch, scratch2, grads } = ctx;
  const H = w.hiddenSize;
  const G = 4 * H;
  const B = tape.B;
  const Hout = w.stateSize;
  const { pre, gates, inRange } = tape;
  const cell = tape.cell!;
  const cellAct = tape.cellAct!;
  const cPrev = tape.cPrev!;
  const dc = ctx.dc as FloatArray;
  const [fAct, gAct, hAct] = [w.activations[0]!, w.activations[1]!, w.activations[2]!];
  const P = ctx.raw.ph;
  const gph = grads.ph;
  let dhf: FloatArray = dh;
  if (ctx.dhProj && ctx.raw.whr) {
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      for (let j = 0; j < Hout; j++) ctx.dhProj[(t * B + b) * Hout + j] = dh[b * Hout + j]!;
    }
    scratch2.fill(0, 0, B * H);
    matmulAccumulate(dh, 0, ctx.raw.whr, 0, scratch2, 0, B, Hout, H);
    dhf = scratch2;
  }
  const tmp = ctx.wide.row;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    const ct = (t * B + b) * H;
    for (let j = 0; j < H; j++) dpre[o + 3 * H + j] = dhf[b * H + j]! * cellAct[ct + j]!;
    scaleByDerivative(fAct, pre, gates, o + 3 * H, dpre, o + 3 * H, H);
    maskClipped(inRange, o + 3 * H, dpre, o + 3 * H, H);
    for (let j = 0; j < H; j++) tmp[j] = dhf[b * H + j]! * gates[o + 3 * H + j]!;
    scaleByDerivative(hAct, cell, cellAct, ct, tmp, 0, H);
    for (let j = 0; j < H; j++) {
      let dct = dc[b * H + j]! + tmp[j]!;
      if (P) dct += dpre[o + 3 * H + j]! * P[2 * H + j]!;
      dpre[o + j] = dct * gates[o + 2 * H + j]!;
      dpre[o + 2 * H + j] = dct * gates[o + j]!;
      dpre[o + H + j] = dct * cPrev[ct + j]!;
      dc[b * H + j] = dct * gates[o + H + j]!;
      if (ctx.inputForget) {
        dpre[o + j] = dpre[o + j]! - dpre[o + H + j]!;
        dpre[o + H + j] = 0;
      }
    }
    scaleByDerivative(fAct, pre, gates, o, dpre, o, H);
    if (!ctx.inputForget) scaleByDerivative(fAct, pre, gates, o + H, dpre, o + H, H);
    scaleByDerivative(gAct, pre, gates, o + 2 * H, dpre, o + 2 * H, H);
    maskClipped(inRange, o, dpre, o, 3 * H);
    if (P && gph) {
      for (let j = 0; j < H; j++) {
        const di = dpre[o + j]!;
        const df = dpre[o + H + j]!;
        const cp = cPrev[ct + j]!;
        dc[b * H + j] = dc[b * H + j]! + di * P[j]! + df * P[H + j]!;
        gph[j] = gph[j]! + di * cp;
        gph[H + j] = gph[H + j]! + df * cp;
        gph[2 * H + j] = gph[2 * H + j]! + dpre[o + 3 * H + j]! * cell[ct + j]!;
      }
    }
  }
  scratch.fill(0, 0, B * Hout);
  matmulAccumulate(dpre, t * B * G, ctx.raw.whh, 0, scratch, 0, B, G, Hout);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    for (let j = 0; j < Hout; j++) dh[b * Hout + j] = scratch[b * Hout + j]!;
  }
}
