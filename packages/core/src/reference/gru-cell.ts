import { activateSpan } from './activate.js';
import { matmulAccumulate } from './matmul.js';
import { type StepContext, clipInSink, preToGates } from './step-sink.js';

/**
 * One time step of a GRU (PyTorch row order r, z, n) for every active batch row:
 * r = f(..), z = f(..), n = g(W_in x + b_in + r ⊙ (W_hn h + b_hn)) with linearBeforeReset (PyTorch),
 * or g(W_in x + b_in + W_hn (r ⊙ h) + b_hn) without (ONNX's default); h' = (1 - z) ⊙ n + z ⊙ h.
 * Pre-activations, gates and the n block's hidden term (`aux`) go through the sink.
 */
export function gruStep(ctx: StepContext, t: number): void {
  const { w, s, sink, active, xproj, clip } = ctx;
  const H = w.hiddenSize;
  const G = 3 * H;
  const { B, h, hh } = s;
  const { pre, gates } = sink;
  const aux = sink.aux!;
  const [f, g] = [w.activations[0]!, w.activations[1]!];
  const C = w.whhCols;
  const base = sink.gateOffset(t);
  const rows = sink.rowOffset(t);
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, C);
  // r and z for every active row.
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const x = (t * B + b) * G;
    const o = base + b * G;
    for (let j = 0; j < 2 * H; j++) pre[o + j] = xproj[x + j]! + hh[b * C + j]!;
    clipInSink(sink, pre, o, 2 * H, clip);
    preToGates(sink, o, 2 * H);
    activateSpan(f, gates, o, o + 2 * H);
  }
  if (w.whnT) {
    // Reset before the product: W_hn · (r ⊙ h).
    const { tmpH, tmpOut } = s;
    tmpH.fill(0);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = base + b * G;
      for (let j = 0; j < H; j++) {
        const v = gates[o + j]! * h[b * H + j]!;
        tmpH[b * H + j] = v;
        aux[rows + b * H + j] = v;
      }
    }
    tmpOut.fill(0);
    matmulAccumulate(tmpH, 0, w.whnT, 0, tmpOut, 0, B, H, H);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = base + b * G;
      const x = (t * B + b) * G;
      for (let j = 0; j < H; j++) pre[o + 2 * H + j] = xproj[x + 2 * H + j]! + tmpOut[b * H + j]!;
    }
  } else {
    const bhn = w.hiddenNBias;
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = base + b * G;
      const x = (t * B + b) * G;
      for (let j = 0; j < H; j++) {
        const hn = hh[b * C + 2 * H + j]! + (bhn ? bhn[j]! : 0);
        aux[rows + b * H + j] = hn;
        pre[o + 2 * H + j] = xproj[x + 2 * H + j]! + gates[o + j]! * hn;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = base + b * G;
    clipInSink(sink, pre, o + 2 * H, H, clip);
    preToGates(sink, o + 2 * H, H);
    activateSpan(g, gates, o + 2 * H, o + G);
    for (let j = 0; j < H; j++) {
      const z = gates[o + H + j]!;
      h[b * H + j] = (1 - z) * gates[o + 2 * H + j]! + z * h[b * H + j]!;
    }
  }
}
