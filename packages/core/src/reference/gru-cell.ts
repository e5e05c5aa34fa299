import type { DirectionWeights } from './direction-weights.js';
import { activateSpan, clipSpan } from './activate.js';
import { type FloatArray, matmulAccumulate } from './matmul.js';
import type { ActiveRows, StepBuffers } from './step-buffers.js';

/**
 * One time step of a GRU (PyTorch row order r, z, n) for every active batch row:
 * r = f(..), z = f(..), n = g(W_in x + b_in + r ⊙ (W_hn h + b_hn)) with linearBeforeReset (PyTorch),
 * or g(W_in x + b_in + W_hn (r ⊙ h) + b_hn) without (ONNX's default); h' = (1 - z) ⊙ n + z ⊙ h.
 */
export function gruStep(w: DirectionWeights, clip: number | null, xproj: FloatArray, t: number, s: StepBuffers, active: ActiveRows): void {
  const H = w.hiddenSize;
  const G = 3 * H;
  const { B, h, hh, gates } = s;
  const [f, g] = [w.activations[0]!, w.activations[1]!];
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, w.whhCols);
  const C = w.whhCols;
  // r and z for every active row.
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const x = (t * B + b) * G;
    const o = b * G;
    for (let j = 0; j < 2 * H; j++) gates[o + j] = xproj[x + j]! + hh[b * C + j]!;
    if (clip !== null) clipSpan(gates, o, o + 2 * H, clip);
    activateSpan(f, gates, o, o + 2 * H);
  }
  if (w.whnT) {
    // Reset before the product: W_hn · (r ⊙ h).
    const { tmpH, tmpOut } = s;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) tmpH[b * H + j] = gates[b * G + j]! * h[b * H + j]!;
    }
    tmpOut.fill(0);
    matmulAccumulate(tmpH, 0, w.whnT, 0, tmpOut, 0, B, H, H);
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = b * G;
      const x = (t * B + b) * G;
      for (let j = 0; j < H; j++) gates[o + 2 * H + j] = xproj[x + 2 * H + j]! + tmpOut[b * H + j]!;
    }
  } else {
    const bhn = w.hiddenNBias;
    for (let b = 0; b < B; b++) {
      if (active && !active[b]) continue;
      const o = b * G;
      const x = (t * B + b) * G;
      for (let j = 0; j < H; j++) {
        const hn = hh[b * C + 2 * H + j]! + (bhn ? bhn[j]! : 0);
        gates[o + 2 * H + j] = xproj[x + 2 * H + j]! + gates[o + j]! * hn;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = b * G;
    if (clip !== null) clipSpan(gates, o + 2 * H, o + G, clip);
    activateSpan(g, gates, o + 2 * H, o + G);
    for (let j = 0; j < H; j++) {
      const z = gates[o + H + j]!;
      h[b * H + j] = (1 - z) * gates[o + 2 * H + j]! + z * h[b * H + j]!;
    }
  }
}
