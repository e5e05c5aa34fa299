import { FormatError, UnsupportedError } from '@deeprnn/core';
import { nodeLabel, topologicalOrder } from './graph-order.js';
import { step } from './plumbing-ops.js';
import { DataType, type GraphProto, type NodeProto } from './proto.js';
import { type RecurrentAttributes, readRecurrentAttributes } from './recurrent-node.js';
import {
  type IoBinding,
  type IoLayout,
  type NodeWeight,
  type SeqForm,
  type StackLayer,
  type Val,
  Walk,
  describe,
} from './stack-walk.js';
import type { ProtoTensor } from './tensor-proto.js';

/** What the walk found: layers in order and the roles of graph inputs/outputs. */
export interface StackGraph {
  readonly layers: readonly StackLayer[];
  readonly batchFirst: boolean;
  readonly isUnbatched: boolean;
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
}

const RECURRENT = new Set(['RNN', 'GRU', 'LSTM']);

/**
 * Walks a graph and recognises a stack of RNN/GRU/LSTM nodes with the plumbing exporters put around
 * them (torch.onnx.export opsets 9 to 17, batch-first and unbatched variants, deeprnn's own export,
 * single nodes with either ONNX layout). Values are interpreted abstractly: every value is known to
 * be a constant, a shape computation, zeros, or a particular view of the input, a state or a layer.
 *
 * @throws {@link UnsupportedError} naming the first node that does not fit and why.
 * @throws {@link FormatError} for a malformed graph (cycles, missing values).
 */
export function walkStack(
  graph: GraphProto,
  consts: ReadonlyMap<string, ProtoTensor>,
  ranks: ReadonlyMap<string, number | null>,
  inputTypes: ReadonlyMap<string, number> = new Map(),
): StackGraph {
  const w = new Walk();
  w.inputTypes = inputTypes;
  for (const [name, t] of consts) w.env.set(name, { k: 'const', t });
  for (const [name, rank] of ranks) if (!consts.has(name)) w.env.set(name, { k: 'in', name, rank });
  const known = new Set<string>([...w.env.keys(), '']);
  for (const node of topologicalOrder(graph.node ?? [], known)) {
    w.where = nodeLabel(node);
    const results = RECURRENT.has(node.opType ?? '') ? recurrent(w, node) : [step(w, node)];
    // Outputs bind by position: an omitted optional output is '' and keeps its slot (['', 'Y_h']
    // makes the second output Y_h, not the first).
    (node.output ?? []).forEach((o, i) => {
      const r = results[i];
      if (o !== '' && r !== undefined) w.env.set(o, r);
    });
  }
  w.where = 'graph outputs';
  if (w.layers.length === 0) throw new UnsupportedError('import: the graph has no RNN, GRU or LSTM node');
  if (w.wholeState && w.layers.length > 1) w.fail('layer 0 reads the whole initial state input of a multi-layer stack');
  const outputs = (graph.output ?? []).map((o) => bindOutput(w, o.name ?? ''));
  const inputs = [...w.roles].map(([name, role]) => ({
    name,
    role,
    layout: (w.layout === 1 && role !== 'input' && role !== 'lengths' ? 'onnx' : 'deeprnn') as IoLayout,
  }));
  if (w.hRows === 'given' && !inputs.some((i) => i.role === 'h0'))
    w.fail('initial_h is given but no graph input provides it');
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
  throw new UnsupportedError(
    `import: graph output '${name}' is not the stacked RNN's output, hN or cN (it is ${v === undefined ? 'never computed' : describe(v)})`,
  );
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
    checkLengthsType(w, lens.name);
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

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'undeclared',
  1: 'float',
  6: 'int32',
  7: 'int64',
  10: 'float16',
  11: 'double',
};

/** ONNX types sequence_lens as int32 for RNN, GRU and LSTM; ONNX Runtime refuses int64 or float at load. */
function checkLengthsType(w: Walk, name: string): void {
  const t = w.inputTypes.get(name) ?? 0;
  if (t !== DataType.INT32) {
    throw new FormatError(
      `import: node ${w.where}: input sequence_lens ('${name}') must be int32, got ${TYPE_NAMES[t] ?? `element type ${t}`}`,
    );
  }
}

function initialState(
  w: Walk,
  name: string | undefined,
  which: 'h' | 'c',
  k: number,
  attrs: RecurrentAttributes,
): void {
  const v = name ? w.val(name) : null;
  const given =
    v !== null && v.k !== 'zeros' && !(v.k === 'const' && v.t.kind === 'float' && v.t.data.every((x) => x === 0));
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
