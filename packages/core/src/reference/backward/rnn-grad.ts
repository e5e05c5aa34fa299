import { activateSpan } from '../activate.js';
import { matmulAccumulate } from '../matmul.js';
import { clipRecording, maskClipped, scaleByDerivative } from './activation-grad.js';
import type { BackContext, RecordContext } from './contexts.js';

/** One Elman step like `rnnStep`, keeping the pre-activation and output in the tape. */
export function recordRnnStep(ctx: RecordContext, t: number): void {
  const { w, s, tape, active, xproj } = ctx;
  const H = w.hiddenSize;
  const { B, h, hh } = s;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, H);
  const act = w.activations[0]!;
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const o = (t * B + b) * H;
    for (let j = 0; j < H; j++) tape.pre[o + j] = xproj[o + j]! + hh[b * H + j]!;
    clipRecording(tape.pre, o, H, ctx.clip, tape.inRange);
    tape.gates.set(tape.pre.subarray(o, o + H), o);
    activateSpan(act, tape.gates, o, o + H);
    h.set(tape.gates.subarray(o, o + H), b * H);
  }
}

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
