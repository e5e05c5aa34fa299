import type { Activation } from '../activation.js';
import type { FloatArray } from './matmul.js';
import { activateSpan } from './activate.js';
import { matmulAccumulate } from './matmul.js';
import { type StepContext, clipInSink, preToGates } from './step-sink.js';

/**
 * How the coupled forget gate f = 1 - i (inputForget) is evaluated. For a sigmoid, 1 - σ(x) is computed
 * as σ(-x): the same number, but it stays positive where σ(x) rounds to 1 (x >= 17 in float32), so an
 * infinite cell state gives f ⊙ c = ±inf as the semantics say, not 0 ⊙ inf = NaN. Other activations
 * have no such identity and take the complement.
 */
function coupledForget(fAct: Activation): 'negated' | 'complement' {
  return fAct.name === 'Sigmoid' ? 'negated' : 'complement';
}

/**
 * One time step of an LSTM (PyTorch row order i, f, g, o) for every active batch row:
 * i = f(.. + P_i ⊙ c), f = f(.. + P_f ⊙ c) (or 1 - i with inputForget), g = g(..),
 * c' = f ⊙ c + i ⊙ g, o = f(.. + P_o ⊙ c'), h' = o ⊙ h(c'), then h' = W_hr h' with a projection.
 * Pre-activations, gates, c', h(c') and (projection) o ⊙ h(c') go through the sink.
 */
export function lstmStep(ctx: StepContext, t: number): void {
  const { w, s, sink, active, xproj, clip } = ctx;
  const H = w.hiddenSize;
  const G = 4 * H;
  const { B, h, hh } = s;
  const c = s.c as FloatArray;
  const { pre, gates } = sink;
  const cell = sink.cell!;
  const cellAct = sink.cellAct!;
  const [fAct, gAct, hAct] = [w.activations[0]!, w.activations[1]!, w.activations[2]!];
  const P = w.peepholes;
  const whrT = w.whrT;
  const hFull = whrT ? s.tmpH : h;
  const base = sink.gateOffset(t);
  const rows = sink.rowOffset(t);
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, G);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const x = (t * B + b) * G;
    const o = base + b * G;
    const cr = b * H;
    const ct = rows + b * H;
    for (let j = 0; j < G; j++) pre[o + j] = xproj[x + j]! + hh[b * G + j]!;
    if (P) {
      for (let j = 0; j < H; j++) {
        pre[o + j] = pre[o + j]! + P[j]! * c[cr + j]!;
        pre[o + H + j] = pre[o + H + j]! + P[H + j]! * c[cr + j]!;
      }
    }
    clipInSink(sink, pre, o, 3 * H, clip);
    preToGates(sink, o, 3 * H);
    const forgetFromInput = ctx.inputForget ? coupledForget(fAct) : null;
    if (forgetFromInput === 'negated') for (let j = 0; j < H; j++) gates[o + H + j] = -gates[o + j]!;
    activateSpan(fAct, gates, o, o + 2 * H);
    if (forgetFromInput === 'complement') for (let j = 0; j < H; j++) gates[o + H + j] = 1 - gates[o + j]!;
    activateSpan(gAct, gates, o + 2 * H, o + 3 * H);
    for (let j = 0; j < H; j++) {
      c[cr + j] = gates[o + H + j]! * c[cr + j]! + gates[o + j]! * gates[o + 2 * H + j]!;
    }
    cell.set(c.subarray(cr, cr + H), ct);
    if (P) for (let j = 0; j < H; j++) pre[o + 3 * H + j] = pre[o + 3 * H + j]! + P[2 * H + j]! * c[cr + j]!;
    clipInSink(sink, pre, o + 3 * H, H, clip);
    preToGates(sink, o + 3 * H, H);
    activateSpan(fAct, gates, o + 3 * H, o + G);
    cellAct.set(c.subarray(cr, cr + H), ct);
    activateSpan(hAct, cellAct, ct, ct + H);
    for (let j = 0; j < H; j++) hFull[cr + j] = gates[o + 3 * H + j]! * cellAct[ct + j]!;
    if (sink.hFull) sink.hFull.set(hFull.subarray(cr, cr + H), ct);
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
