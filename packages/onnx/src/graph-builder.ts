import { AttributeType, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';
import { boolTensorProto, floatTensorProto, int64TensorProto } from './tensor-proto.js';

/** An attribute value as the builder accepts it. */
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { readonly graph: GraphParts }
  | { readonly floats: readonly number[] }
  | { readonly float: number };

/** What a built graph consists of. */
export interface GraphParts {
  readonly name: string;
  readonly node: NodeProto[];
  readonly initializer: TensorProto[];
  readonly input: ValueInfoProto[];
  readonly output: ValueInfoProto[];
}

/** A dimension of a declared shape: a size or a symbolic name. */
export type Dim = number | string;

/** A graph input or output declaration for a float, int32, int64 or bool tensor. */
export function valueInfo(name: string, elemType: number, dims: readonly Dim[] | null): ValueInfoProto {
  const shape =
    dims === null ? null : { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: shape === null ? { elemType } : { elemType, shape } } };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { name, type: AttributeType.INT, i: value }
      : { name, type: AttributeType.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if ('graph' in value) return { name, type: AttributeType.GRAPH, g: value.graph };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if (value.length > 0 && typeof value[0] === 'string') {
    return {
      name,
      type: AttributeType.STRINGS,
      strings: (value as readonly string[]).map((s) => new TextEncoder().encode(s)),
    };
  }
  return { name, type: AttributeType.INTS, ints: [...(value as readonly number[])] };
}

/**
 * Accumulates nodes and initializers with unique names. Export builds one per graph (and one per
 * Loop body); nothing here knows about RNNs.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(private readonly prefix = '') {}

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = `${this.prefix}${hint}`;
    while (this.used.has(name)) name = `${this.prefix}${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Reserves names that come from outside (graph inputs, outer-scope values). */
  reserve(...names: string[]): void {
    for (const n of names) this.used.add(n);
  }

  /** Adds a node and returns its output names (`outputs` fresh names are made from the op type). */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttributeValue>> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType)) : [...outputs];
    for (const o of outs) this.used.add(o);
    this.nodes.push({
      name: this.fresh(`${opType}_node`),
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Adds a one-output node and returns that output's name. */
  op1(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttributeValue>> = {},
    output?: string,
  ): string {
    return this.op(opType, inputs, attrs, output === undefined ? 1 : [output])[0] as string;
  }

  /** Adds a float32 initializer under exactly `name` (shared when called twice with the same name). */
  floatInitializer(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    if (!this.used.has(name)) {
      this.used.add(name);
      this.initializers.push(floatTensorProto(name, dims, data));
    }
    return name;
  }

  /** An int64 constant initializer, deduplicated by value. */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(`const_i64_${values.join('_').replace(/-/g, 'm').slice(0, 24)}`);
    this.initializers.push(int64TensorProto(name, dims, values));
    this.constants.set(key, name);
    return name;
  }

  /** A bool scalar `true` constant. */
  boolTrue(): string {
    const known = this.constants.get('true');
    if (known !== undefined) return known;
    const name = this.fresh('const_true');
    this.initializers.push(boolTensorProto(name, [], [true]));
    this.constants.set('true', name);
    return name;
  }

  /** A float32 scalar or vector constant initializer, deduplicated by value. */
  floats(values: readonly number[], dims: readonly number[] = []): string {
    const key = `f${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh('const_f32');
    this.initializers.push(floatTensorProto(name, dims, values));
    this.constants.set(key, name);
    return name;
  }
}
