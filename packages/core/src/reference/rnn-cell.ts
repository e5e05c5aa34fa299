import type { DirectionWeights } from './direction-weights.js';
import { activateSpan, clipSpan } from './activate.js';
import { type FloatArray, matmulAccumulate } from './matmul.js';
import type { ActiveRows, StepBuffers } from './step-buffers.js';

/**
 * One time step of an Elman RNN for every active batch row: h' = f(x·W_ih^T + b_ih + h·W_hh^T + b_hh).
 * `xproj` holds x·W_ih^T + biases for all steps, [T, B, H]; rows of step t start at t*B*H.
 */
export function rnnStep(w: DirectionWeights, clip: number | null, xproj: FloatArray, t: number, s: StepBuffers, active: ActiveRows): void {
  const H = w.hiddenSize;
  const { B, h, hh } = s;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, H);
  const act = w.activations[0]!;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const x = (t * B + b) * H;
    const r = b * H;
    for (let j = 0; j < H; j++) h[r + j] = xproj[x + j]! + hh[r + j]!;
    if (clip !== null) clipSpan(h, r, r + H, clip);
    activateSpan(act, h, r, r + H);
  }
}
