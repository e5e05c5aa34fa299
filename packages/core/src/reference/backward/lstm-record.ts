import { activateSpan } from '../activate.js';
import type { FloatArray } from '../matmul.js';
import { matmulAccumulate } from '../matmul.js';
import { clipRecording } from './activation-grad.js';
import type { RecordContext } from './contexts.js';

/**
 * One LSTM step like `lstmStep` (i, f, g, o; peepholes, clip, inputForget, projection), keeping
 * pre-activations, gates, c_t, h(c_t) and, with a projection, o ⊙ h(c_t) in the tape.
 */
export function recordLstmStep(ctx: RecordContext, t: number): void {
  const { w, s, tape, active, xproj, clip } = ctx;
  const H = w.hiddenSize;
  const G = 4 * H;
  const { B, h, hh } = s;
  const c = s.c as FloatArray;
  const { pre, gates, inRange } = tape;
  const cell = tape.cell!;
  const cellAct = tape.cellAct!;
  const [fAct, gAct, hAct] = [w.activations[0]!, w.activations[1]!, w.activations[2]!];
  const P = w.peepholes;
  const whrT = w.whrT;
  const hFull = whrT ? s.tmpH : h;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, G);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    const cr = b * H;
    const ct = (t * B + b) * H;
    for (let j = 0; j < G; j++) pre[o + j] = xproj[o + j]! + hh[b * G + j]!;
    if (P) {
      for (let j = 0; j < H; j++) {
        pre[o + j] = pre[o + j]! + P[j]! * c[cr + j]!;
        pre[o + H + j] = pre[o + H + j]! + P[H + j]! * c[cr + j]!;
      }
    }
    clipRecording(pre, o, 3 * H, clip, inRange);
    gates.set(pre.subarray(o, o + 3 * H), o);
    activateSpan(fAct, gates, o, o + 2 * H);
    if (ctx.inputForget) for (let j = 0; j < H; j++) gates[o + H + j] = 1 - gates[o + j]!;
    activateSpan(gAct, gates, o + 2 * H, o + 3 * H);
    for (let j = 0; j < H; j++) {
      c[cr + j] = gates[o + H + j]! * c[cr + j]! + gates[o + j]! * gates[o + 2 * H + j]!;
    }
    cell.set(c.subarray(cr, cr + H), ct);
    if (P) for (let j = 0; j < H; j++) pre[o + 3 * H + j] = pre[o + 3 * H + j]! + P[2 * H + j]! * c[cr + j]!;
    clipRecording(pre, o + 3 * H, H, clip, inRange);
    gates.set(pre.subarray(o + 3 * H, o + G), o + 3 * H);
    activateSpan(fAct, gates, o + 3 * H, o + G);
    cellAct.set(c.subarray(cr, cr + H), ct);
    activateSpan(hAct, cellAct, ct, ct + H);
    for (let j = 0; j < H; j++) hFull[cr + j] = gates[o + 3 * H + j]! * cellAct[ct + j]!;
    if (tape.hFull) tape.hFull.set(hFull.subarray(cr, cr + H), ct);
  }
  if (whrT) {
    const Hout = w.stateSize;
    const proj = s.tmpOut;
    proj.fill(0);
    matmulAccumulate(hFull, 0, whrT, 0, proj, 0, B, H, Hout);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      for (let j = 0; j < Hout; j++) h[b * Hout + j] = proj[b * Hout + j]!;
    }
  }
}
