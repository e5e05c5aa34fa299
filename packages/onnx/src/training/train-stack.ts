import { type RnnSpec, directionCount, gateCount, outputSize, paramKey, storedLayer } from '@deeprnn/core';
import { DataType } from '../proto.js';
import { slices } from './slices.js';
import type { Tape } from './tape.js';
import { type CellState, type RecurrentWeights, cellStep } from './train-cells.js';

/** The values a stack's forward reads; every sequence is 2-D, rows in time-major order (t * B + b). */
export interface StackInputs {
  /** Sequence length and batch the graph is built for. */
  readonly T: number;
  readonly B: number;
  /** Parameter name (PyTorch) -> tape value. */
  readonly params: ReadonlyMap<string, string>;
  /** Input [T*B, I]. */
  readonly x: string;
  /** h0 [L*D, B, Hout] and, for LSTM, c0 [L*D, B, H]. */
  readonly h0: string;
  readonly c0: string | null;
  /** sequence_lens, int32 [B], or null when every row has T steps. */
  readonly lens: string | null;
  /** Per layer: the dropout multipliers of its output [T*B, D*Hout] (keep / (1 - p)), or null. */
  readonly dropout: readonly (string | null)[];
}

/** What the forward gives: the top layer's output and each row's final state. */
export interface StackOutputs {
  /** [T*B, D*Hout]. */
  readonly y: string;
  /** Final states, one [B, Hout] (and [B, H]) per (layer, direction), in state-row order. */
  readonly hN: readonly string[];
  readonly cN: readonly string[];
}

/** Per step t, the bool [B, 1] "t < length" of every row, and lengths as int64 (ReverseSequence's type). */
function stepMasks(tape: Tape, T: number, B: number, lens: string): { masks: string[]; lens64: string } {
  const b = tape.b;
  const lens64 = b.op1('Cast', [lens], { to: DataType.INT64 });
  const steps = b.ints(
    Array.from({ length: T }, (_, t) => t),
    [T, 1, 1],
  );
  const valid = b.op1('Less', [steps, b.op1('Reshape', [lens64, b.ints([1, B, 1])])]);
  const parts = T === 1 ? [valid] : slices(b, valid, 0, Array<number>(T).fill(1));
  const masks = parts.map((m) => tape.declare(b.op1('Reshape', [m, b.ints([B, 1])]), [B, 1], false));
  return { masks, lens64 };
}

function param(p: ReadonlyMap<string, string>, name: string): string {
  const v = p.get(name);
  if (v === undefined) throw new RangeError(`training graph: no value for parameter ${name}`); // validated before
  return v;
}

function recurrentWeights(
  tape: Tape,
  spec: RnnSpec,
  p: ReadonlyMap<string, string>,
  layer: number,
  reverse: boolean,
): RecurrentWeights {
  const s = storedLayer(spec, layer);
  const H = spec.hiddenSize;
  const key = (kind: 'weight' | 'bias', src: 'hh' | 'hr' | 'ph'): string => param(p, paramKey(kind, src, s, reverse));
  const whh = key('weight', 'hh');
  const bhh = spec.bias ? key('bias', 'hh') : null;
  const peepholes = spec.peepholes ? (tape.split(key('weight', 'ph'), 0, [H, H, H]) as [string, string, string]) : null;
  const whr = spec.projSize > 0 ? key('weight', 'hr') : null;
  if (spec.mode === 'gru' && !spec.linearBeforeReset) {
    const [whrz, whn] = tape.split(whh, 0, [2 * H, H]) as [string, string];
    const [bhrz, bhn] = bhh === null ? [null, null] : (tape.split(bhh, 0, [2 * H, H]) as [string, string]);
    return { whh: whrz, bhh: bhrz, whn, bhn, peepholes, whr };
  }
  return { whh, bhh: spec.mode === 'gru' ? bhh : null, whn: null, bhn: null, peepholes, whr };
}

/**
 * Writes the forward of the whole stack on the tape, unrolled: per layer and direction one Gemm
 * for the input projection of every step, then per step the cell (one Gemm with W_hh plus
 * elementwise work). With lengths, steps past a row's length keep its state and output zero, and
 * the reverse direction reads each row reversed within its length.
 */
export function emitTrainStack(tape: Tape, spec: RnnSpec, io: StackInputs): StackOutputs {
  const { T, B, params: p } = io;
  const D = directionCount(spec);
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const G = gateCount(spec.mode) * H;
  const rows = spec.numLayers * D;
  const timed = io.lens === null ? null : stepMasks(tape, T, B, io.lens);
  const h0 = tape.split(tape.reshape(io.h0, [rows * B, Hout]), 0, Array<number>(rows).fill(B));
  const c0 = io.c0 === null ? null : tape.split(tape.reshape(io.c0, [rows * B, H]), 0, Array<number>(rows).fill(B));
  const hN: string[] = [];
  const cN: string[] = [];
  let x = io.x;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const outs: string[] = [];
    for (let d = 0; d < D; d++) {
      const reverse = d === 1;
      const s = storedLayer(spec, layer);
      const wih = param(p, paramKey('weight', 'ih', s, reverse));
      let bias: string | null = null;
      if (spec.bias) {
        const bih = param(p, paramKey('bias', 'ih', s, reverse));
        // rnn and lstm add both biases to the same pre-activation: fold them into the projection.
        bias = spec.mode === 'gru' ? bih : tape.add(bih, param(p, paramKey('bias', 'hh', s, reverse)));
      }
      let xw = tape.linear(x, wih, bias);
      if (reverse && timed !== null)
        xw = tape.reshape(tape.reverseSequence(tape.reshape(xw, [T, B, G]), timed.lens64), [T * B, G]);
      const steps = tape.split(xw, 0, Array<number>(T).fill(B));
      const w = recurrentWeights(tape, spec, p, layer, reverse);
      const acts = reverse ? spec.reverseActivations : spec.activations;
      const row = layer * D + d;
      let state: CellState = { h: h0[row] as string, c: c0 === null ? null : (c0[row] as string) };
      const ys: string[] = Array<string>(T);
      // Without lengths the reverse direction just walks the steps backwards; with them it walks the
      // reversed projection forwards, so that each row starts at its own last valid step.
      const order = Array.from({ length: T }, (_, t) => (reverse && timed === null ? T - 1 - t : t));
      for (const t of order) {
        const next = cellStep(tape, spec, acts, w, steps[t] as string, state);
        if (timed === null) {
          state = next;
          ys[t] = next.h;
        } else {
          const m = timed.masks[t] as string;
          ys[t] = tape.where(m, next.h, tape.scalar(0));
          state = {
            h: tape.where(m, next.h, state.h),
            c: next.c === null ? null : tape.where(m, next.c, state.c as string),
          };
        }
      }
      let y = tape.concat(ys, 0);
      if (reverse && timed !== null)
        y = tape.reshape(tape.reverseSequence(tape.reshape(y, [T, B, Hout]), timed.lens64), [T * B, Hout]);
      outs.push(y);
      hN.push(state.h);
      if (state.c !== null) cN.push(state.c);
    }
    x = tape.concat(outs, 1);
    const mask = io.dropout[layer] ?? null;
    if (mask !== null) x = tape.mul(x, mask);
  }
  return { y: x, hN, cN };
}
