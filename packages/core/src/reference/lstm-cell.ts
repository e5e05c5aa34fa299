import type { DirectionWeights } from './direction-weights.js';
import { activateSpan, clipSpan } from './activate.js';
import { type FloatArray, matmulAccumulate } from './matmul.js';
import type { ActiveRows, StepBuffers } from './step-buffers.js';

/**
 * One time step of an LSTM (PyTorch row order i, f, g, o) for every active batch row:
 * i = f(.. + P_i ⊙ c), f = f(.. + P_f ⊙ c) (or 1 - i with inputForget), g = g(..),
 * c' = f ⊙ c + i ⊙ g, o = f(.. + P_o ⊙ c'), h' = o ⊙ h(c'), then h' = W_hr h' with a projection.
 */
export function lstmStep(w: DirectionWeights, clip: number | null, inputForget: boolean, xproj: FloatArray, t: number, s: StepBuffers, active: ActiveRows): void {
  const H = w.hiddenSize;
  const G = 4 * H;
  const { B, h, hh, gates } = s;
  const c = s.c as FloatArray;
  const [fAct, gAct, hAct] = [w.activations[0]!, w.activations[1]!, w.activations[2]!];
  const P = w.peepholes;
  const whrT = w.whrT;
  const hFull = whrT ? s.tmpH : h;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, G);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = b * G;
    const x = (t * B + b) * G;
    const cr = b * H;
    for (let j = 0; j < G; j++) gates[o + j] = xproj[x + j]! + hh[o + j]!;
    if (P) {
      for (let j = 0; j < H; j++) {
        gates[o + j] = gates[o + j]! + P[j]! * c[cr + j]!;
        gates[o + H + j] = gates[o + H + j]! + P[H + j]! * c[cr + j]!;
      }
    }
    if (clip !== null) clipSpan(gates, o, o + 3 * H, clip);
    activateSpan(fAct, gates, o, o + 2 * H);
    if (inputForget) for (let j = 0; j < H; j++) gates[o + H + j] = 1 - gates[o + j]!;
    activateSpan(gAct, gates, o + 2 * H, o + 3 * H);
    for (let j = 0; j < H; j++) {
      c[cr + j] = gates[o + H + j]! * c[cr + j]! + gates[o + j]! * gates[o + 2 * H + j]!;
    }
    if (P) for (let j = 0; j < H; j++) gates[o + 3 * H + j] = gates[o + 3 * H + j]! + P[2 * H + j]! * c[cr + j]!;
    if (clip !== null) clipSpan(gates, o + 3 * H, o + G, clip);
    activateSpan(fAct, gates, o + 3 * H, o + G);
    // h(c') into hFull, then multiply by o.
    for (let j = 0; j < H; j++) hFull[cr + j] = c[cr + j]!;
    activateSpan(hAct, hFull, cr, cr + H);
    for (let j = 0; j < H; j++) hFull[cr + j] = gates[o + 3 * H + j]! * hFull[cr + j]!;
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
