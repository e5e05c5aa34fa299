import { activateSpan } from './activate.js';
import { matmulAccumulate } from './matmul.js';
import { type StepContext, clipInSink, preToGates } from './step-sink.js';

/**
 * One time step of an Elman RNN for every active batch row: h' = f(x·W_ih^T + b_ih + h·W_hh^T + b_hh),
 * the pre-activation and output written through the sink. `xproj` rows of step t start at t*B*H.
 */
export function rnnStep(ctx: StepContext, t: number): void {
  const { w, s, sink, active, xproj } = ctx;
  const H = w.hiddenSize;
  const { B, h, hh } = s;
  hh.fill(0);
  matmulAccumulate(h, 0, w.whhT, 0, hh, 0, B, w.stateSize, H);
  const act = w.activations[0]!;
  const base = sink.gateOffset(t);
  for (let b = 0; b < B; b++) {
    if (active && !active[b]) continue;
    const x = (t * B + b) * H;
    const o = base + b * H;
    for (let j = 0; j < H; j++) sink.pre[o + j] = xproj[x + j]! + hh[b * H + j]!;
    clipInSink(sink, sink.pre, o, H, ctx.clip);
    preToGates(sink, o, H);
    activateSpan(act, sink.gates, o, o + H);
    h.set(sink.gates.subarray(o, o + H), b * H);
  }
}
