import type { Activation, RnnSpec } from '@deeprnn/core';
import type { Tape } from './tape.js';
import { tapeActivation, tapeClip } from './train-activation.js';

/** One direction's recurrent weights as tape values (PyTorch gate order, split once per layer). */
export interface RecurrentWeights {
  /** W_hh [G*H, Hout]; GRU without linearBeforeReset: its r,z rows only. */
  readonly whh: string;
  /** The hidden bias added inside the step (GRU; rnn/lstm fold it into the input projection). */
  readonly bhh: string | null;
  /** GRU without linearBeforeReset: W_hn [H, H] and b_hn [H], applied to r ⊙ h. */
  readonly whn: string | null;
  readonly bhn: string | null;
  /** LSTM peepholes P_i, P_f, P_o, each [H]. */
  readonly peepholes: readonly [string, string, string] | null;
  /** LSTM projection W_hr [Hout, H]. */
  readonly whr: string | null;
}

/** A direction's state between steps: h [B, Hout] and, for LSTM, c [B, H]. */
export interface CellState {
  readonly h: string;
  readonly c: string | null;
}

/**
 * One step of the cell on the tape, the same arithmetic as the forward's Loop lowering and core's
 * reference cells: `xw` [B, G*H] is this step's input projection with the folded biases.
 */
export function cellStep(
  tape: Tape,
  spec: RnnSpec,
  acts: readonly Activation[],
  w: RecurrentWeights,
  xw: string,
  s: CellState,
): CellState {
  const H = spec.hiddenSize;
  const act = (i: number, v: string): string =>
    tapeActivation(tape, acts[i] ?? { name: 'Tanh' }, tapeClip(tape, spec.clip, v));
  if (spec.mode === 'lstm') {
    const [pi, pf, pg, po] = tape.split(tape.linear(s.h, w.whh, xw), 1, [H, H, H, H]) as [
      string,
      string,
      string,
      string,
    ];
    const P = w.peepholes;
    const c = s.c as string;
    const i = act(0, P ? tape.add(pi, tape.mul(P[0], c)) : pi);
    const f = spec.inputForget ? tape.sub(tape.scalar(1), i) : act(0, P ? tape.add(pf, tape.mul(P[1], c)) : pf);
    const g = act(1, pg);
    const cNew = tape.add(tape.mul(f, c), tape.mul(i, g));
    const o = act(0, P ? tape.add(po, tape.mul(P[2], cNew)) : po);
    let h = tape.mul(o, tapeActivation(tape, acts[2] ?? { name: 'Tanh' }, cNew));
    if (w.whr !== null) h = tape.linear(h, w.whr, null);
    return { h, c: cNew };
  }
  if (spec.mode === 'gru') {
    const [xr, xz, xn] = tape.split(xw, 1, [H, H, H]) as [string, string, string];
    let r: string;
    let z: string;
    let n: string;
    if (w.whn === null) {
      const [hr, hz, hn] = tape.split(tape.linear(s.h, w.whh, w.bhh), 1, [H, H, H]) as [string, string, string];
      r = act(0, tape.add(xr, hr));
      z = act(0, tape.add(xz, hz));
      n = act(1, tape.add(xn, tape.mul(r, hn)));
    } else {
      const [hr, hz] = tape.split(tape.linear(s.h, w.whh, w.bhh), 1, [H, H]) as [string, string];
      r = act(0, tape.add(xr, hr));
      z = act(0, tape.add(xz, hz));
      n = act(1, tape.add(xn, tape.linear(tape.mul(r, s.h), w.whn, w.bhn)));
    }
    // (1 - z) n + z h, written n + z (h - n): one node fewer per step.
    return { h: tape.add(n, tape.mul(z, tape.sub(s.h, n))), c: null };
  }
  return { h: act(0, tape.linear(s.h, w.whh, xw)), c: null };
}
