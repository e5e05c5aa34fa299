import { UnsupportedError } from '@deeprnn/core';
import { constantNodeValue, findAttr, intAttr, intsAttr } from './constant-values.js';
import { nodeLabel, topologicalOrder } from './graph-order.js';
import type { GraphProto, NodeProto } from './proto.js';
import { type RecurrentAttributes, readRecurrentAttributes } from './recurrent-node.js';
import type { ProtoTensor } from './tensor-proto.js';

/** Roles a graph input or output can play. */
export type IoRole = 'input' | 'h0' | 'c0' | 'lengths' | 'output' | 'hN' | 'cN';

/**
 * Layout of a graph input/output: `deeprnn` is what a deeprnn model takes and returns; `onnx` is the
 * recurrent operator's own layout (Y [T, D, B, H], or batch-major with ONNX `layout = 1`).
 */
export type IoLayout = 'deeprnn' | 'onnx';

/** One graph input or output and what it is. */
export interface IoBinding {
  readonly name: string;
  readonly role: IoRole;
  readonly layout: IoLayout;
}

/** A weight of a recurrent node: its value name (shared names mean tied layers) and data. */
export interface NodeWeight {
  readonly name: string;
  readonly tensor: ProtoTensor & { readonly kind: 'float' };
}

/** One recurrent node of the stack. */
export interface StackLayer {
  readonly where: string;
  readonly attrs: RecurrentAttributes;
  readonly W: NodeWeight;
  readonly R: NodeWeight;
  readonly B: NodeWeight | null;
  readonly P: NodeWeight | null;
}

/** What the walk found: layers in order and the roles of graph inputs/outputs. */
export interface StackGraph {
  readonly layers: readonly StackLayer[];
  readonly batchFirst: boolean;
  readonly isUnbatched: boolean;
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
}

type SeqForm = 'TBF' | 'BTF' | 'TF';
type Val =
  | { k: 'const'; t: ProtoTensor }
  | { k: 'shape' }
  | { k: 'zeros' }
  | { k: 'in'; name: string; rank: number | null }
  | { k: 'inU'; name: string; axis: 0 | 1 }
  | { k: 'seq'; layer: number; form: SeqForm }
  | { k: 'y'; layer: number; form: 'TDBH' | 'TBDH' | 'BTDH' }
  | { k: 'st'; name: string; rows: [number, number] | null; unbatched: boolean }
  | { k: 'fin'; which: 'h' | 'c'; layers: number[]; form: 'LBH' | 'LH' | 'BDH' };

const RECURRENT = new Set(['RNN', 'GRU', 'LSTM']);
const SHAPE_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'Reshape', 'Mul', 'Add', 'Sub', 'Div', 'Identity', 'Range', 'Equal', 'Where', 'ConstantOfShape']);

class Walk {
  readonly env = new Map<string, Val>();
  readonly layers: StackLayer[] = [];
  readonly roles = new Map<string, IoRole>();
  batchFirst: boolean | null = null;
  isUnbatched: boolean | null = null;
  hRows: 'none' | 'given' | null = null;
  cRows: 'none' | 'given' | null = null;
  layout: 0 | 1 = 0;
  wholeState = false;
  where = '';

  fail(why: string): never {
    throw new UnsupportedError(`import: node ${this.where} does not fit a stacked RNN: ${why}`);
  }

  role(name: string, role: IoRole): void {
    const had = this.roles.get(name);
    if (had !== undefined && had !== role) this.fail(`graph input '${name}' is used both as ${had} and as ${role}`);
    this.roles.set(name, role);
  }

  setUnbatched(u: boolean): void {
    if (this.isUnbatched !== null && this.isUnbatched !== u) this.fail('mixes batched and unbatched layouts');
    this.isUnbatched = u;
  }

  val(name: string): Val {
    const v = this.env.get(name);
    if (v === undefined) this.fail(`input '${name}' is missing`);
    return v;
  }

  constInts(name: string | undefined, what: string): number[] {
    const v = name === undefined || name === '' ? undefined : this.env.get(name);
    if (v?.k !== 'const' || v.t.kind !== 'int') this.fail(`${what} must be a constant integer tensor`);
    return [...v.t.data];
  }
}

/**
 * Walks a graph and recognises a stack of RNN/GRU/LSTM nodes with the plumbing exporters put around
 * them (torch.onnx.export opsets 9 to 17, batch-first and unbatched variants, deeprnn's own export,
 * single nodes with either ONNX layout). Values are interpreted abstractly: every value is known to
 * be a constant, a shape computation, zeros, or a particular view of the input, a state or a layer.
 *
 * @throws {@link UnsupportedError} naming the first node that does not fit and why.
 * @throws {@link FormatError} for a malformed graph (cycles, missing values).
 */
export function walkStack(graph: GraphProto, consts: ReadonlyMap<string, ProtoTensor>, ranks: ReadonlyMap<string, number | null>): StackGraph {
  const w = new Walk();
  for (const [name, t] of consts) w.env.set(name, { k: 'const', t });
  for (const [name, rank] of ranks) if (!consts.has(name)) w.env.set(name, { k: 'in', name, rank });
  const known = new Set<string>([...w.env.keys(), '']);
  for (const node of topologicalOrder(graph.node ?? [], known)) {
    w.where = nodeLabel(node);
    const outs = (node.output ?? []).filter((o) => o !== '');
    const results = RECURRENT.has(node.opType ?? '') ? recurrent(w, node) : [step(w, node)];
    outs.forEach((o, i) => {
      const r = results[i];
      if (r !== undefined) w.env.set(o, r);
    });
  }
  w.where = 'graph outputs';
  if (w.layers.length === 0) throw new UnsupportedError('import: the graph has no RNN, GRU or LSTM node');
  if (w.wholeState && w.layers.length > 1) w.fail('layer 0 reads the whole initial state input of a multi-layer stack');
  const outputs = (graph.output ?? []).map((o) => bindOutput(w, o.name ?? ''));
  const inputs = [...w.roles].map(([name, role]) => ({ name, role, layout: (w.layout === 1 && role !== 'input' && role !== 'lengths' ? 'onnx' : 'deeprnn') as IoLayout }));
  if (w.hRows === 'given' && !inputs.some((i) => i.role === 'h0')) w.fail('initial_h is given but no graph input provides it');
  return { layers: w.layers, batchFirst: w.batchFirst ?? false, isUnbatched: w.isUnbatched ?? false, inputs, outputs };
}

function bindOutput(w: Walk, name: string): IoBinding {
  const v = w.env.get(name);
  const L = w.layers.length;
  const last = L - 1;
  if (v?.k === 'seq' && v.layer === last) {
    const want: SeqForm = w.isUnbatched ? 'TF' : w.batchFirst ? 'BTF' : 'TBF';
    if (v.form !== want) w.fail(`graph output '${name}' is the last layer's output as ${v.form}, expected ${want}`);
    return { name, role: 'output', layout: 'deeprnn' };
  }
  if (v?.k === 'y' && v.layer === last && L === 1 && !w.isUnbatched && (v.form === 'TDBH' || v.form === 'BTDH')) {
    return { name, role: 'output', layout: 'onnx' };
  }
  if (v?.k === 'fin' && v.layers.length === L && v.layers.every((l, i) => l === i)) {
    const want = w.layout === 1 ? 'BDH' : w.isUnbatched ? 'LH' : 'LBH';
    if (v.form !== want) w.fail(`graph output '${name}' holds final states as ${v.form}, expected ${want}`);
    return { name, role: v.which === 'h' ? 'hN' : 'cN', layout: w.layout === 1 ? 'onnx' : 'deeprnn' };
  }
  throw new UnsupportedError(`import: graph output '${name}' is not the stacked RNN's output, hN or cN (it is ${v === undefined ? 'never computed' : describe(v)})`);
}

function describe(v: Val): string {
  switch (v.k) {
    case 'seq':
      return v.layer < 0 ? 'the input' : `the output of layer ${v.layer}`;
    case 'y':
      return `the raw Y of layer ${v.layer}`;
    case 'fin':
      return `final ${v.which} states of layers [${v.layers.join(', ')}]`;
    case 'in':
    case 'inU':
      return `graph input '${v.name}'`;
    case 'st':
      return `rows of '${v.name}'`;
    default:
      return `a ${v.k} value`;
  }
}

function axesOf(w: Walk, node: NodeProto): number[] {
  return intsAttr(node, 'axes', w.where) ?? w.constInts(node.input?.[1], 'axes');
}

function step(w: Walk, node: NodeProto): Val {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  if (op === 'Constant') return { k: 'const', t: constantNodeValue(node, w.where) };
  const args = inputs.map((n) => (n === '' ? null : w.val(n)));
  const x = args[0] ?? null;
  if (op === 'Identity' && x !== null) return x;
  if (op === 'Shape') return { k: 'shape' };
  if (op === 'ConstantOfShape') {
    const value = findAttr(node, 'value')?.t;
    return value === undefined || value === null ? { k: 'zeros' } : isZeroTensor(value) ? { k: 'zeros' } : w.fail('ConstantOfShape with a non-zero value');
  }
  if (op === 'Expand' && x !== null) {
    if (x.k === 'zeros' || (x.k === 'const' && x.t.kind === 'float' && x.t.data.every((v) => v === 0))) return { k: 'zeros' };
    w.fail('Expand of something other than zeros');
  }
  const dataArgs = args.filter((a) => a !== null && a.k !== 'const' && a.k !== 'shape');
  if (dataArgs.length === 0 && SHAPE_OPS.has(op)) return { k: 'shape' };
  if (x === null) w.fail('its first input is missing');
  switch (op) {
    case 'Transpose':
      return transpose(w, x, intsAttr(node, 'perm', w.where) ?? []);
    case 'Squeeze':
      return squeeze(w, x, axesOf(w, node));
    case 'Unsqueeze':
      return unsqueeze(w, x, axesOf(w, node));
    case 'Reshape':
      return reshape(w, x, w.constInts(inputs[1], 'the Reshape shape'));
    case 'Slice':
      return slice(w, node, x);
    case 'Concat':
      return concat(w, node, args);
    default:
      return w.fail(`op type ${op} is not part of the RNN plumbing deeprnn understands`);
  }
}

function isZeroTensor(t: { rawData?: Uint8Array | null; floatData?: number[] | null }): boolean {
  return (t.rawData ?? []).every((b) => b === 0) && (t.floatData ?? []).every((v) => v === 0);
}

function transpose(w: Walk, x: Val, perm: number[]): Val {
  const p = perm.join(',');
  if (p === '1,0,2') {
    if (x.k === 'in' && (x.rank === 3 || x.rank === null)) {
      w.setUnbatched(false);
      w.batchFirst = true;
      w.role(x.name, 'input');
      return { k: 'seq', layer: -1, form: 'TBF' };
    }
    if (x.k === 'inU' && x.axis === 0) {
      w.setUnbatched(true);
      w.batchFirst = true;
      w.role(x.name, 'input');
      return { k: 'seq', layer: -1, form: 'TBF' };
    }
    if (x.k === 'seq' && x.form !== 'TF') return { ...x, form: x.form === 'TBF' ? 'BTF' : 'TBF' };
  }
  if (p === '0,2,1,3' && x.k === 'y' && x.form === 'TDBH') return { ...x, form: 'TBDH' };
  return w.fail(`Transpose(perm=[${p}]) of ${describe(x)}`);
}

function squeeze(w: Walk, x: Val, axes: number[]): Val {
  const a = axes.join(',');
  const D = (layer: number): number => (w.layers[layer]?.attrs.bidirectional ? 2 : 1);
  if (a === '1' && x.k === 'y' && x.form === 'TDBH' && D(x.layer) === 1) return { k: 'seq', layer: x.layer, form: 'TBF' };
  if (a === '2' && x.k === 'y' && x.form === 'BTDH' && D(x.layer) === 1) return { k: 'seq', layer: x.layer, form: 'BTF' };
  if (w.isUnbatched) {
    if (a === '1' && x.k === 'seq' && x.form === 'TBF') return { ...x, form: 'TF' };
    if (a === '0' && x.k === 'seq' && x.form === 'BTF') return { ...x, form: 'TF' };
    if (a === '1' && x.k === 'fin' && x.form === 'LBH') return { ...x, form: 'LH' };
  }
  return w.fail(`Squeeze(axes=[${a}]) of ${describe(x)}`);
}

function unsqueeze(w: Walk, x: Val, axes: number[]): Val {
  const a = axes.join(',');
  if (x.k === 'in' && (x.rank === 2 || x.rank === null) && (a === '0' || a === '1')) return { k: 'inU', name: x.name, axis: a === '0' ? 0 : 1 };
  return w.fail(`Unsqueeze(axes=[${a}]) of ${describe(x)}`);
}

function reshape(w: Walk, x: Val, shape: number[]): Val {
  if (x.k === 'y' && (x.form === 'TBDH' || x.form === 'BTDH') && shape.length === 3 && shape[0] === 0 && shape[1] === 0) {
    const layer = w.layers[x.layer] as StackLayer;
    const feat = (layer.attrs.bidirectional ? 2 : 1) * hiddenOf(layer);
    if (shape[2] === -1 || shape[2] === feat) return { k: 'seq', layer: x.layer, form: x.form === 'TBDH' ? 'TBF' : 'BTF' };
  }
  return w.fail(`Reshape to [${shape.join(', ')}] of ${describe(x)}`);
}

/** Hidden size of a layer: the attribute, else read off R [D, G*H, H]. */
export function hiddenOf(layer: StackLayer): number {
  return layer.attrs.hiddenSize ?? (layer.R.tensor.dims[2] as number);
}

function slice(w: Walk, node: NodeProto, x: Val): Val {
  const inputs = node.input ?? [];
  const attrStarts = intsAttr(node, 'starts', w.where);
  const starts = attrStarts ?? w.constInts(inputs[1], 'Slice starts');
  const ends = intsAttr(node, 'ends', w.where) ?? w.constInts(inputs[2], 'Slice ends');
  const axes = intsAttr(node, 'axes', w.where) ?? (inputs[3] ? w.constInts(inputs[3], 'Slice axes') : [0]);
  const steps = attrStarts === null && inputs[4] ? w.constInts(inputs[4], 'Slice steps') : [1];
  if (starts.length !== 1 || ends.length !== 1 || axes.join() !== '0' || steps.join() !== '1') {
    w.fail(`only Slice on axis 0 with step 1 is understood, got axes [${axes.join(', ')}]`);
  }
  const range: [number, number] = [starts[0] as number, ends[0] as number];
  if (range[0] < 0 || range[1] <= range[0]) w.fail(`Slice [${range.join(', ')}) of a state is not a row range`);
  if (x.k === 'in') return { k: 'st', name: x.name, rows: range, unbatched: false };
  if (x.k === 'inU' && x.axis === 1) return { k: 'st', name: x.name, rows: range, unbatched: true };
  return w.fail(`Slice of ${describe(x)}`);
}

function concat(w: Walk, node: NodeProto, args: (Val | null)[]): Val {
  const axis = [intAttr(node, 'axis', 0, w.where)];
  const fins = args.filter((a): a is Val & { k: 'fin' } => a?.k === 'fin');
  if (fins.length === args.length && fins.length > 0 && axis[0] === 0) {
    const first = fins[0] as Val & { k: 'fin' };
    if (fins.every((f) => f.which === first.which && f.form === first.form)) {
      return { k: 'fin', which: first.which, form: first.form, layers: fins.flatMap((f) => f.layers) };
    }
  }
  return w.fail('Concat of values other than final states on axis 0');
}

function weight(w: Walk, name: string | undefined, what: string): NodeWeight | null {
  if (name === undefined || name === '') return null;
  const v = w.env.get(name);
  if (v?.k !== 'const' || v.t.kind !== 'float') w.fail(`${what} '${name}' must be a float initializer or constant`);
  return { name, tensor: v.t };
}

function recurrent(w: Walk, node: NodeProto): Val[] {
  const attrs = readRecurrentAttributes(node, w.where);
  const k = w.layers.length;
  const inputs = node.input ?? [];
  const X = w.val(inputs[0] ?? '');
  if (attrs.layout === 1 && k > 0) w.fail('layout = 1 is only understood for a single recurrent node');
  if ((attrs.isReverseOnly || w.layers[0]?.attrs.isReverseOnly === true) && k > 0) {
    w.fail("direction 'reverse' is only understood for a single recurrent node (deeprnn has no reverse-only layers)");
  }
  w.layout = attrs.layout;
  if (k === 0) {
    if (X.k === 'in' && (X.rank === 3 || X.rank === null)) {
      w.setUnbatched(false);
      w.batchFirst = attrs.layout === 1;
      w.role(X.name, 'input');
    } else if (X.k === 'inU' && X.axis === 1 && attrs.layout === 0) {
      w.setUnbatched(true);
      w.batchFirst ??= false;
      w.role(X.name, 'input');
    } else if (!(X.k === 'seq' && X.layer === -1 && X.form === 'TBF' && attrs.layout === 0)) {
      w.fail(`X of the first layer must be the graph input, got ${describe(X)}`);
    }
  } else if (!(X.k === 'seq' && X.layer === k - 1 && X.form === 'TBF')) {
    w.fail(`X of layer ${k} must be the output of layer ${k - 1}, got ${describe(X)}`);
  }
  const W = weight(w, inputs[1], 'W');
  const R = weight(w, inputs[2], 'R');
  if (W === null || R === null) w.fail('W and R are required');
  const B = weight(w, inputs[3], 'B');
  const P = node.opType === 'LSTM' ? weight(w, inputs[7], 'P') : null;
  const lens = inputs[4] ? w.val(inputs[4]) : null;
  if (lens !== null) {
    if (lens.k !== 'in') w.fail('sequence_lens must be a graph input');
    w.role(lens.name, 'lengths');
  }
  initialState(w, inputs[5], 'h', k, attrs);
  if (node.opType === 'LSTM') initialState(w, inputs[6], 'c', k, attrs);
  w.layers.push({ where: w.where, attrs, W, R, B, P });
  const yForm = attrs.layout === 1 ? 'BTDH' : 'TDBH';
  const finForm = attrs.layout === 1 ? 'BDH' : 'LBH';
  return [
    { k: 'y', layer: k, form: yForm },
    { k: 'fin', which: 'h', layers: [k], form: finForm },
    { k: 'fin', which: 'c', layers: [k], form: finForm },
  ];
}

function initialState(w: Walk, name: string | undefined, which: 'h' | 'c', k: number, attrs: RecurrentAttributes): void {
  const v = name ? w.val(name) : null;
  const given = v !== null && v.k !== 'zeros' && !(v.k === 'const' && v.t.kind === 'float' && v.t.data.every((x) => x === 0));
  const prev = which === 'h' ? w.hRows : w.cRows;
  const now = given ? 'given' : 'none';
  if (prev !== null && prev !== now) w.fail(`initial_${which} is given to some layers and not to others`);
  if (which === 'h') w.hRows = now;
  else w.cRows = now;
  if (!given) return;
  const D = attrs.bidirectional ? 2 : 1;
  const role = which === 'h' ? 'h0' : 'c0';
  if (v.k === 'in' && k === 0) {
    w.role(v.name, role);
    w.wholeState = true; // only right for a single layer, checked when the stack is complete
    return;
  }
  if (v.k === 'inU' && v.axis === 1 && k === 0 && attrs.layout === 0) {
    w.setUnbatched(true);
    w.wholeState = true;
    w.role(v.name, role);
    return;
  }
  if (v.k === 'st' && v.rows !== null && v.rows[0] === k * D && v.rows[1] === (k + 1) * D && attrs.layout === 0) {
    if (v.unbatched) w.setUnbatched(true);
    w.role(v.name, role);
    return;
  }
  w.fail(`initial_${which} of layer ${k} must be rows [${k * D}, ${(k + 1) * D}) of a state input, got ${describe(v)}`);
}
