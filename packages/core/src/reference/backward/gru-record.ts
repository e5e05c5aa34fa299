import { activateSpan } from '../activate.js';
import { matmulAccumulate } from '../matmul.js';
import { clipRecording } from './activation-grad.js';
import type { RecordContext } from './contexts.js';

/**
 * One GRU step like `gruStep` (r, z, n), keeping pre-activations, gates and the n block's hidden term
 * in the tape: `aux` holds W_hn·h + b_hn with linearBeforeReset, r ⊙ h without.
 */
export function recordGruStep(ctx: RecordContext, t: number): void {
  const { w, s, tape, active, xproj, clip } = ctx;
  const H = w.hiddenSize;
  const G = 3 * H;
  const { B, h, hh } = s;
  const { pre, gates, inRange } = tape;
  const aux = tape.aux!;
  const [f, g] = [w.activations[0]!, w.activations[1]!];
  const C = w.whhCols;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, C);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    for (let j = 0; j < 2 * H; j++) pre[o + j] = xproj[o + j]! + hh[b * C + j]!;
    clipRecording(pre, o, 2 * H, clip, inRange);
    gates.set(pre.subarray(o, o + 2 * H), o);
    activateSpan(f, gates, o, o + 2 * H);
  }
  if (w.whnT) {
    const { tmpH, tmpOut } = s;
    tmpH.fill(0);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = (t * B + b) * G;
      for (let j = 0; j < H; j++) {
        const v = gates[o + j]! * h[b * H + j]!;
        tmpH[b * H + j] = v;
        aux[(t * B + b) * H + j] = v;
      }
    }
    tmpOut.fill(0);
    matmulAccumulate(tmpH, 0, w.whnT, 0, tmpOut, 0, B, H, H);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = (t * B + b) * G;
      for (let j = 0; j < H; j++) pre[o + 2 * H + j] = xproj[o + 2 * H + j]! + tmpOut[b * H + j]!;
    }
  } else {
    const bhn = w.hiddenNBias;
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = (t * B + b) * G;
      for (let j = 0; j < H; j++) {
        const hn = hh[b * C + 2 * H + j]! + (bhn ? bhn[j]! : 0);
        aux[(t * B + b) * H + j] = hn;
        pre[o + 2 * H + j] = xproj[o + 2 * H + j]! + gates[o + j]! * hn;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * G;
    clipRecording(pre, o + 2 * H, H, clip, inRange);
    gates.set(pre.subarray(o + 2 * H, o + G), o + 2 * H);
    activateSpan(g, gates, o + 2 * H, o + G);
    for (let j = 0; j < H; j++) {
      const z = gates[o + H + j]!;
      h[b * H + j] = (1 - z) * gates[o + 2 * H + j]! + z * h[b * H + j]!;
    }
  }
}
