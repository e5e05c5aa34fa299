import { UnsupportedError } from '@deeprnn/core';
import type { RecurrentAttributes } from './recurrent-node.js';
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
  /** The graph input's or output's name. */
  readonly name: string;
  /** What it carries: the input, an initial or final state, or the lengths. */
  readonly role: IoRole;
  /** Whether it is laid out as a deeprnn model takes it or as the ONNX operator does. */
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

/** Layout of a sequence value: time-major, batch-major, or unbatched. */
export type SeqForm = 'TBF' | 'BTF' | 'TF';

/**
 * The abstract value of a graph value: a constant, a shape computation, zeros, or a particular view of
 * the sequence input, a state input or a layer's output.
 */
export type Val =
  | { k: 'const'; t: ProtoTensor }
  | { k: 'shape' }
  | { k: 'zeros' }
  | { k: 'in'; name: string; rank: number | null }
  | { k: 'inU'; name: string; axis: 0 | 1 }
  | { k: 'seq'; layer: number; form: SeqForm }
  | { k: 'y'; layer: number; form: 'TDBH' | 'TBDH' | 'BTDH' }
  | { k: 'st'; name: string; rows: [number, number] | null; unbatched: boolean }
  | { k: 'fin'; which: 'h' | 'c'; layers: number[]; form: 'LBH' | 'LH' | 'BDH' };

/** The state of a walk over one graph. */
export class Walk {
  readonly env: Map<string, Val> = new Map();
  readonly layers: StackLayer[] = [];
  readonly roles: Map<string, IoRole> = new Map();
  batchFirst: boolean | null = null;
  isUnbatched: boolean | null = null;
  hRows: 'none' | 'given' | null = null;
  cRows: 'none' | 'given' | null = null;
  layout: 0 | 1 = 0;
  wholeState = false;
  where = '';
  /** Declared element type (TensorProto.DataType) of each graph input; 0 where none is declared. */
  inputTypes: ReadonlyMap<string, number> = new Map();

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

/** Words for a value in messages. */
export function describe(v: Val): string {
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

/** Hidden size of a layer: its hidden_size attribute (required; the weights' shapes are checked against it). */
export function hiddenOf(layer: StackLayer): number {
  return layer.attrs.hiddenSize;
}
