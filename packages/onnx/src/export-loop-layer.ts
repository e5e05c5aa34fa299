import {
  type RnnParams,
  type RnnSpec,
  type Tensor,
  directionCount,
  gateCount,
  layerInputSize,
  outputSize,
  paramKey,
  storedLayer,
} from '@deeprnn/core';
import { emitActivation, emitClip } from './activation-ops.js';
import { GraphBuilder, valueInfo } from './graph-builder.js';
import type { LayerInputs, LayerOutputs } from './layer-io.js';
import { DataType } from './proto.js';

/** Graph-wide values the Loop lowering shares between layers. */
export interface LoopContext {
  /** Time steps, int64 scalar. */
  readonly steps: string;
  /** `[T, B, 1]` bool: step t of row b is within its length (null: no sequence_lens). */
  readonly mask: string | null;
  /** sequence_lens as int64 [B] (null: none). */
  readonly lens64: string | null;
}

/** Adds the shared values of {@link LoopContext} for an input `x` [T, B, F]. */
export function loopContext(b: GraphBuilder, x: string, lens: string | null): LoopContext {
  const steps = b.op1('Gather', [b.op1('Shape', [x]), b.ints([0], [])], { axis: 0 });
  if (lens === null) return { steps, mask: null, lens64: null };
  const lens64 = b.op1('Cast', [lens], { to: DataType.INT64 });
  const t = b.op1('Unsqueeze', [b.op1('Range', [b.ints([0], []), steps, b.ints([1], [])]), b.ints([1])]);
  const valid = b.op1('Less', [t, b.op1('Unsqueeze', [lens64, b.ints([0])])]);
  return { steps, lens64, mask: b.op1('Unsqueeze', [valid, b.ints([2])]) };
}

function f32(t: Tensor | undefined, name: string): Float32Array {
  if (t === undefined) throw new RangeError(`export: params lack ${name}`); // validated before; never reached
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
}

/** Rows [from, to) of a constant [rows, cols] (or vector) initializer, transposed when asked. */
function rowsOf(b: GraphBuilder, w: string, from: number, to: number, transpose: boolean): string {
  const s = b.op1('Slice', [w, b.ints([from]), b.ints([to]), b.ints([0])]);
  return transpose ? b.op1('Transpose', [s]) : s;
}

/**
 * Emits one layer as MatMul over all steps (the input projection) plus a Loop whose body does one
 * step with MatMul + activations. Used for what the ONNX operators cannot express (LSTM projSize)
 * and where it is faster. Weights are initializers under their deeprnn (PyTorch) names, in
 * PyTorch gate order: no reordering is needed since the body computes the cell itself.
 */
export function emitLoopLayer(
  b: GraphBuilder,
  spec: RnnSpec,
  params: RnnParams,
  layer: number,
  io: LayerInputs,
  ctx: LoopContext,
): LayerOutputs {
  const D = directionCount(spec);
  const ys: string[] = [];
  const hs: string[] = [];
  const cs: string[] = [];
  for (let d = 0; d < D; d++) {
    const out = emitDirection(b, spec, params, layer, d === 1, io, ctx);
    ys.push(out.y);
    hs.push(b.op1('Unsqueeze', [out.h, b.ints([0])]));
    if (out.c !== null) cs.push(b.op1('Unsqueeze', [out.c, b.ints([0])]));
  }
  const join = (parts: string[], axis: number): string =>
    parts.length === 1 ? (parts[0] as string) : b.op1('Concat', parts, { axis });
  return { y: join(ys, 2), h: join(hs, 0), c: cs.length > 0 ? join(cs, 0) : null };
}

function reverseTime(b: GraphBuilder, x: string, ctx: LoopContext): string {
  if (ctx.lens64 !== null) return b.op1('ReverseSequence', [x, ctx.lens64], { batch_axis: 1, time_axis: 0 });
  return b.op1('Slice', [x, b.ints([-1]), b.ints([-(2 ** 63)]), b.ints([0]), b.ints([-1])]);
}

function initialState(b: GraphBuilder, rows: string | null, d: number, x: string, features: number): string {
  if (rows !== null) return b.op1('Gather', [rows, b.ints([d], [])], { axis: 0 });
  const batch = b.op1('Slice', [b.op1('Shape', [x]), b.ints([1]), b.ints([2])]);
  return b.op1('ConstantOfShape', [b.op1('Concat', [batch, b.ints([features])], { axis: 0 })]);
}

function emitDirection(
  b: GraphBuilder,
  spec: RnnSpec,
  params: RnnParams,
  layer: number,
  reverse: boolean,
  io: LayerInputs,
  ctx: LoopContext,
): { y: string; h: string; c: string | null } {
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const s = storedLayer(spec, layer);
  const key = (kind: 'weight' | 'bias', src: 'ih' | 'hh' | 'hr' | 'ph'): string => paramKey(kind, src, s, reverse);
  const init = (kind: 'weight' | 'bias', src: 'ih' | 'hh' | 'hr' | 'ph', dims: number[]): string =>
    b.floatInitializer(key(kind, src), dims, f32(params[key(kind, src)], key(kind, src)));
  const wih = init('weight', 'ih', [G * H, layerInputSize(spec, layer)]);
  const whh = init('weight', 'hh', [G * H, Hout]);
  const bih = spec.bias ? init('bias', 'ih', [G * H]) : null;
  const bhh = spec.bias ? init('bias', 'hh', [G * H]) : null;
  // For rnn and lstm both biases add to the same pre-activation: fold them into the projection.
  const xBias = bih === null ? null : spec.mode === 'gru' ? bih : b.op1('Add', [bih, bhh as string]);
  let xw = b.op1('MatMul', [io.x, b.op1('Transpose', [wih])]);
  if (xBias !== null) xw = b.op1('Add', [xw, xBias]);
  if (reverse) xw = reverseTime(b, xw, ctx);
  const dirIndex = reverse ? 1 : 0;
  const h0 = initialState(b, io.h0, dirIndex, io.x, Hout);
  const c0 = spec.mode === 'lstm' ? initialState(b, io.c0, dirIndex, io.x, H) : null;

  const body = new GraphBuilder(`${b.fresh(`l${layer}${reverse ? 'r' : 'f'}`)}_`);
  const iter = body.fresh('iter');
  const condIn = body.fresh('cond_in');
  const hIn = body.fresh('h_in');
  const cIn = c0 === null ? null : body.fresh('c_in');
  const x = body.op1('Gather', [xw, iter], { axis: 0 });
  const acts = reverse ? spec.reverseActivations : spec.activations;
  const act = (i: number, v: string): string =>
    emitActivation(body, acts[i] ?? { name: 'Tanh' }, emitClip(body, spec.clip, v));
  let hNew: string;
  let cNew: string | null = null;
  if (spec.mode === 'lstm') {
    const pre = body.op1('Gemm', [hIn, b.op1('Transpose', [whh]), x]);
    const [pi, pf, pg, po] = body.op('Split', [pre], { axis: 1 }, 4) as [string, string, string, string];
    const ph = spec.peepholes ? init('weight', 'ph', [3 * H]) : null;
    const peep = (v: string, k: number, c: string): string =>
      ph === null ? v : body.op1('Add', [v, body.op1('Mul', [rowsOf(b, ph, k * H, (k + 1) * H, false), c])]);
    const i = act(0, peep(pi, 0, cIn as string));
    const f = spec.inputForget ? body.op1('Sub', [body.floats([1]), i]) : act(0, peep(pf, 1, cIn as string));
    const g = act(1, pg);
    cNew = body.op1('Add', [body.op1('Mul', [f, cIn as string]), body.op1('Mul', [i, g])]);
    const o = act(0, peep(po, 2, cNew));
    hNew = body.op1('Mul', [o, emitActivation(body, acts[2] ?? { name: 'Tanh' }, cNew)]);
    if (spec.projSize > 0) hNew = body.op1('MatMul', [hNew, b.op1('Transpose', [init('weight', 'hr', [Hout, H])])]);
  } else if (spec.mode === 'gru') {
    const [xr, xz, xn] = body.op('Split', [x], { axis: 1 }, 3) as [string, string, string];
    let r: string;
    let z: string;
    let n: string;
    if (spec.linearBeforeReset) {
      const whhT = b.op1('Transpose', [whh]);
      const hh = bhh === null ? body.op1('MatMul', [hIn, whhT]) : body.op1('Gemm', [hIn, whhT, bhh]);
      const [hr, hz, hn] = body.op('Split', [hh], { axis: 1 }, 3) as [string, string, string];
      r = act(0, body.op1('Add', [xr, hr]));
      z = act(0, body.op1('Add', [xz, hz]));
      n = act(1, body.op1('Add', [xn, body.op1('Mul', [r, hn])]));
    } else {
      let hrz = body.op1('MatMul', [hIn, rowsOf(b, whh, 0, 2 * H, true)]);
      if (bhh !== null) hrz = body.op1('Add', [hrz, rowsOf(b, bhh, 0, 2 * H, false)]);
      const [hr, hz] = body.op('Split', [hrz], { axis: 1 }, 2) as [string, string];
      r = act(0, body.op1('Add', [xr, hr]));
      z = act(0, body.op1('Add', [xz, hz]));
      let hn = body.op1('MatMul', [body.op1('Mul', [r, hIn]), rowsOf(b, whh, 2 * H, 3 * H, true)]);
      if (bhh !== null) hn = body.op1('Add', [hn, rowsOf(b, bhh, 2 * H, 3 * H, false)]);
      n = act(1, body.op1('Add', [xn, hn]));
    }
    hNew = body.op1('Add', [body.op1('Mul', [body.op1('Sub', [body.floats([1]), z]), n]), body.op1('Mul', [z, hIn])]);
  } else {
    // Gemm adds the step's input projection in the same call: h·Whhᵀ + x_t.
    hNew = act(0, body.op1('Gemm', [hIn, b.op1('Transpose', [whh]), x]));
  }
  // The body runs every step unmasked; sequence lengths are applied once after the loop (outputs
  // past a length zeroed, final state gathered at step length-1), which keeps the per-step work to
  // the cell itself. Steps past a length never influence valid steps: they come after them.
  const y = body.op1('Identity', [hNew]);
  const cStep = cNew !== null && ctx.lens64 !== null ? body.op1('Identity', [cNew]) : null;
  const condOut = body.op1('Identity', [condIn]);
  const carried = cIn === null ? [hIn] : [hIn, cIn];
  const bodyOutputs = [condOut, hNew, ...(cNew === null ? [] : [cNew]), y, ...(cStep === null ? [] : [cStep])];
  const graph = {
    name: body.fresh('body'),
    node: body.nodes,
    initializer: body.initializers,
    input: [
      valueInfo(iter, DataType.INT64, []),
      valueInfo(condIn, DataType.BOOL, []),
      ...carried.map((n) => valueInfo(n, DataType.FLOAT, null)),
    ],
    output: [
      valueInfo(condOut, DataType.BOOL, []),
      ...bodyOutputs.slice(1).map((n) => valueInfo(n, DataType.FLOAT, null)),
    ],
  };
  const loopInputs = [ctx.steps, b.op1('Identity', [b.boolTrue()]), h0, ...(c0 === null ? [] : [c0])];
  const outs = b.op('Loop', loopInputs, { body: { graph } }, bodyOutputs.length - 1);
  const carriedCount = c0 === null ? 1 : 2;
  let ys = outs[carriedCount] as string;
  let hFinal = outs[0] as string;
  let cFinal = c0 === null ? null : (outs[1] as string);
  if (ctx.mask !== null && ctx.lens64 !== null) {
    hFinal = stateAtLength(b, ys, h0, ctx.lens64, Hout);
    if (c0 !== null) cFinal = stateAtLength(b, outs[carriedCount + 1] as string, c0, ctx.lens64, H);
    ys = b.op1('Where', [ctx.mask, ys, b.floats([0])]);
  }
  if (reverse) ys = reverseTime(b, ys, ctx);
  return { y: ys, h: hFinal, c: cFinal };
}

/**
 * The state after step length-1 of each row, read from the per-step states `seq` [T, B, F]; rows of
 * length 0 keep `initial` [B, F] (nothing was processed).
 */
function stateAtLength(b: GraphBuilder, seq: string, initial: string, lens64: string, features: number): string {
  const last = b.op1('Max', [b.op1('Sub', [lens64, b.ints([1], [])]), b.ints([0], [])]);
  const shape = b.op1('Concat', [b.ints([1]), b.op1('Shape', [lens64]), b.ints([features])], { axis: 0 });
  const index = b.op1('Expand', [b.op1('Reshape', [last, b.ints([1, -1, 1])]), shape]);
  const atLast = b.op1('Squeeze', [b.op1('GatherElements', [seq, index], { axis: 0 }), b.ints([0])]);
  const started = b.op1('Unsqueeze', [b.op1('Greater', [lens64, b.ints([0], [])]), b.ints([1])]);
  return b.op1('Where', [started, atLast, initial]);
}
