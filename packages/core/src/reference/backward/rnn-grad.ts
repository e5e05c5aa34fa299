import { matmulAccumulate } from '../matmul.js';
import { maskClipped, scaleByDerivative } from './activation-grad.js';
import type { BackContext } from './contexts.js';

/** Backward through one Elman step: dpre = dh ⊙ f'(a) (zero where clipped); dh_prev = dpre · W_hh. */
export function backRnnStep(ctx: BackContext, t: number): void {
  const { w, tape, dh, dpre, active, scratch } = ctx;
  const H = w.hiddenSize;
  const B = tape.B;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * H;
    for (let j = 0; j < H; j++) dpre[o + j] = dh[b * H + j]!;
    scaleByDerivative(w.activations[0]!, tape.pre, tape.gates, o, dpre, o, H);
    maskClipped(tape.inRange, o, dpre, o, H);
  }
  scratch.fill(0, 0, B * H);
  matmulAccumulate(dpre, t * B * H, ctx.raw.whh, 0, scratch, 0, B, H, H);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    for (let j = 0; j < H; j++) dh[b * H + j] = scratch[b * H + j]!;
  }
}
