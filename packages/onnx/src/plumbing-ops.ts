import { constantNodeValue, findAttr, intAttr, intsAttr } from './constant-values.js';
import type { NodeProto } from './proto.js';
import { type StackLayer, type Val, type Walk, describe, hiddenOf } from './stack-walk.js';

const SHAPE_OPS = new Set([
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Cast',
  'Reshape',
  'Mul',
  'Add',
  'Sub',
  'Div',
  'Identity',
  'Range',
  'Equal',
  'Where',
  'ConstantOfShape',
]);

function axesOf(w: Walk, node: NodeProto): number[] {
  return intsAttr(node, 'axes', w.where) ?? w.constInts(node.input?.[1], 'axes');
}

/** Interprets one non-recurrent node: the plumbing exporters put around RNN nodes. */
export function step(w: Walk, node: NodeProto): Val {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  if (op === 'Constant') return { k: 'const', t: constantNodeValue(node, w.where) };
  const args = inputs.map((n) => (n === '' ? null : w.val(n)));
  const x = args[0] ?? null;
  if (op === 'Identity' && x !== null) return x;
  if (op === 'Shape') return { k: 'shape' };
  if (op === 'ConstantOfShape') {
    const value = findAttr(node, 'value')?.t;
    return value === undefined || value === null
      ? { k: 'zeros' }
      : isZeroTensor(value)
        ? { k: 'zeros' }
        : w.fail('ConstantOfShape with a non-zero value');
  }
  if (op === 'Expand' && x !== null) {
    if (x.k === 'zeros' || (x.k === 'const' && x.t.kind === 'float' && x.t.data.every((v) => v === 0)))
      return { k: 'zeros' };
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
  if (a === '1' && x.k === 'y' && x.form === 'TDBH' && D(x.layer) === 1)
    return { k: 'seq', layer: x.layer, form: 'TBF' };
  if (a === '2' && x.k === 'y' && x.form === 'BTDH' && D(x.layer) === 1)
    return { k: 'seq', layer: x.layer, form: 'BTF' };
  if (w.isUnbatched) {
    if (a === '1' && x.k === 'seq' && x.form === 'TBF') return { ...x, form: 'TF' };
    if (a === '0' && x.k === 'seq' && x.form === 'BTF') return { ...x, form: 'TF' };
    if (a === '1' && x.k === 'fin' && x.form === 'LBH') return { ...x, form: 'LH' };
  }
  return w.fail(`Squeeze(axes=[${a}]) of ${describe(x)}`);
}

function unsqueeze(w: Walk, x: Val, axes: number[]): Val {
  const a = axes.join(',');
  if (x.k === 'in' && (x.rank === 2 || x.rank === null) && (a === '0' || a === '1'))
    return { k: 'inU', name: x.name, axis: a === '0' ? 0 : 1 };
  return w.fail(`Unsqueeze(axes=[${a}]) of ${describe(x)}`);
}

function reshape(w: Walk, x: Val, shape: number[]): Val {
  if (
    x.k === 'y' &&
    (x.form === 'TBDH' || x.form === 'BTDH') &&
    shape.length === 3 &&
    shape[0] === 0 &&
    shape[1] === 0
  ) {
    const layer = w.layers[x.layer] as StackLayer;
    const feat = (layer.attrs.bidirectional ? 2 : 1) * hiddenOf(layer);
    if (shape[2] === -1 || shape[2] === feat)
      return { k: 'seq', layer: x.layer, form: x.form === 'TBDH' ? 'TBF' : 'BTF' };
  }
  return w.fail(`Reshape to [${shape.join(', ')}] of ${describe(x)}`);
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
