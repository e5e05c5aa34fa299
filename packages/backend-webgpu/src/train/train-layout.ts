import {
  type RnnParams,
  type RnnSpec,
  type Tensor,
  type TrainerParams,
  HEAD_PARAM_NAMES,
  directionCount,
  gateCount,
  layerInputSize,
  outputSize,
  paramKey,
  storedLayerCount,
  tensor,
} from '@deeprnn/core';

/** Where one stored layer's parameters sit in the trainer's flat buffer (f32 words). */
export interface LayerSlots {
  /** W_ih^T of both directions side by side, [K][D*G*H] (column d*G*H + g*H + j). */
  readonly wih: number;
  /** b_ih of both directions, [D*G*H] (absent without bias: same offset, zero words). */
  readonly bih: number;
  /** W_hh^T per direction, [D][P][G*H] (row k of the state, column g*H + j). */
  readonly whh: number;
  readonly bhh: number;
  /** W_hr^T per direction, [D][H][P] (LSTM projections; zero words without). */
  readonly whr: number;
  /** LSTM peephole weights per direction, [D][3H] (i, f, o; zero words without). */
  readonly peep: number;
  /** Input features of the layer. */
  readonly K: number;
}

/** One PyTorch tensor's place in the flat buffer: element (i, j) of [rows, cols] sits at base + i*rs + j*cs. */
interface Placement {
  readonly name: string;
  readonly shape: readonly number[];
  readonly base: number;
  readonly rows: number;
  readonly cols: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * The trainer's flat layout: every trained parameter (head first, then each stored layer) in one
 * buffer, so the gradients, Adam's moments, the global norm and the update each cover one range.
 * Weights are stored transposed, as the kernels read them.
 */
export interface TrainLayout {
  readonly total: number;
  /** Head weight [V][F] and bias [V], or null. */
  readonly head: { readonly w: number; readonly b: number; readonly V: number; readonly F: number } | null;
  readonly layers: readonly LayerSlots[];
  readonly placements: readonly Placement[];
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Lays out the parameters of a stack (G gates per unit) and an optional head of `classes` classes. */
export function trainLayout(spec: RnnSpec, classes: number | null): TrainLayout {
  const D = directionCount(spec);
  const H = spec.hiddenSize;
  const P = outputSize(spec);
  const GH = gateCount(spec.mode) * H;
  const N = D * GH;
  const F = D * P;
  const placements: Placement[] = [];
  let at = 0;
  let head: TrainLayout['head'] = null;
  if (classes !== null) {
    head = { w: 0, b: classes * F, V: classes, F };
    placements.push({
      name: HEAD_PARAM_NAMES.weight,
      shape: [classes, F],
      base: 0,
      rows: classes,
      cols: F,
      rs: F,
      cs: 1,
    });
    placements.push({
      name: HEAD_PARAM_NAMES.bias,
      shape: [classes],
      base: classes * F,
      rows: classes,
      cols: 1,
      rs: 1,
      cs: 1,
    });
    at = classes * F + classes;
  }
  const layers: LayerSlots[] = [];
  for (let l = 0; l < storedLayerCount(spec); l++) {
    const K = layerInputSize(spec, l);
    const biasWords = spec.bias ? N : 0;
    // W_hh^T starts on a 4-word boundary: the forward reads it as vec4 (pad words stay zero).
    const whh = align4(at + K * N + biasWords);
    const bhh = whh + D * P * GH;
    const whr = bhh + (spec.bias ? N : 0);
    const peep = whr + (spec.projSize > 0 ? D * H * P : 0);
    const s: LayerSlots = { wih: at, bih: at + K * N, whh, bhh, whr, peep, K };
    at = peep + (spec.peepholes ? D * 3 * H : 0);
    layers.push(s);
    for (let d = 0; d < D; d++) {
      const r = d === 1;
      placements.push({
        name: paramKey('weight', 'ih', l, r),
        shape: [GH, K],
        base: s.wih + d * GH,
        rows: GH,
        cols: K,
        rs: 1,
        cs: N,
      });
      placements.push({
        name: paramKey('weight', 'hh', l, r),
        shape: [GH, P],
        base: s.whh + d * P * GH,
        rows: GH,
        cols: P,
        rs: 1,
        cs: GH,
      });
      if (spec.projSize > 0)
        placements.push({
          name: paramKey('weight', 'hr', l, r),
          shape: [P, H],
          base: s.whr + d * H * P,
          rows: P,
          cols: H,
          rs: 1,
          cs: P,
        });
      if (spec.peepholes)
        placements.push({
          name: paramKey('weight', 'ph', l, r),
          shape: [3 * H],
          base: s.peep + d * 3 * H,
          rows: 3 * H,
          cols: 1,
          rs: 1,
          cs: 1,
        });
      if (spec.bias) {
        placements.push({
          name: paramKey('bias', 'ih', l, r),
          shape: [GH],
          base: s.bih + d * GH,
          rows: GH,
          cols: 1,
          rs: 1,
          cs: 1,
        });
        placements.push({
          name: paramKey('bias', 'hh', l, r),
          shape: [GH],
          base: s.bhh + d * GH,
          rows: GH,
          cols: 1,
          rs: 1,
          cs: 1,
        });
      }
    }
  }
  return { total: align4(at), head, layers, placements };
}

/** Packs named tensors (PyTorch layout) into a flat buffer; names absent from `byName` stay zero. */
export function packFlat(layout: TrainLayout, byName: (name: string) => Tensor | undefined): Float32Array {
  const flat = new Float32Array(layout.total);
  for (const p of layout.placements) {
    const t = byName(p.name);
    if (!t) continue;
    for (let i = 0; i < p.rows; i++)
      for (let j = 0; j < p.cols; j++) flat[p.base + i * p.rs + j * p.cs] = t.data[i * p.cols + j]!;
  }
  return flat;
}

/** Unpacks a flat buffer into named tensors (PyTorch layout). */
export function unpackFlat(layout: TrainLayout, flat: Float32Array): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of layout.placements) {
    const data = new Float32Array(p.rows * p.cols);
    for (let i = 0; i < p.rows; i++)
      for (let j = 0; j < p.cols; j++) data[i * p.cols + j] = flat[p.base + i * p.rs + j * p.cs]!;
    out.set(p.name, tensor(data, p.shape));
  }
  return out;
}

/** The trainer's parameters as named tensors. */
export function packParams(layout: TrainLayout, params: TrainerParams): Float32Array {
  return packFlat(layout, (name) =>
    name === HEAD_PARAM_NAMES.weight
      ? params.head?.weight
      : name === HEAD_PARAM_NAMES.bias
        ? params.head?.bias
        : params.rnn[name],
  );
}

/** Splits unpacked tensors back into the RNN's parameters and the head. */
export function splitParams(layout: TrainLayout, named: Map<string, Tensor>): TrainerParams {
  const rnn: Record<string, Tensor> = {};
  for (const [name, t] of named) if (name !== HEAD_PARAM_NAMES.weight && name !== HEAD_PARAM_NAMES.bias) rnn[name] = t;
  const head = layout.head
    ? { weight: named.get(HEAD_PARAM_NAMES.weight)!, bias: named.get(HEAD_PARAM_NAMES.bias)! }
    : null;
  return { rnn: Object.freeze(rnn) as RnnParams, head };
}
