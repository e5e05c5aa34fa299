import type { AttributeValue, GraphBuilder } from '../graph-builder.js';
import { slices } from './slices.js';

/** One recorded node: what the backward pass needs to differentiate it. */
export interface TapeNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttributeValue>>;
}

/** A value's place in a Concat: the whole, its index among the pieces, the axis, every piece's size. */
export interface ConcatPiece {
  readonly whole: string;
  readonly index: number;
  readonly axis: number;
  readonly sizes: readonly number[];
}

/** Static shape of a value: every training graph is built for one (spec, T, B), so all sizes are known. */
export type Shape = readonly number[];

/** Numpy broadcasting of two shapes (the ONNX elementwise rule). */
export function broadcastShape(a: Shape, b: Shape): Shape {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new RangeError(`tape: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * A graph builder that also records, with static shapes, every node that depends on a
 * differentiable value, so that {@link differentiate} can append the reverse pass to the same
 * graph. The forward of a training step is written with these methods only; nothing here knows
 * about RNNs.
 */
export class Tape {
  readonly records: TapeNode[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly live = new Set<string>();
  private readonly pieces = new Map<string, ConcatPiece>();
  private readonly memo = new Map<string, readonly string[]>();

  constructor(readonly b: GraphBuilder) {}

  /** Declares a value made outside the tape (a graph input), with its shape. */
  declare(name: string, shape: Shape, isDifferentiable: boolean): string {
    this.shapes.set(name, shape);
    if (isDifferentiable) this.live.add(name);
    return name;
  }

  /** Whether gradients flow to `v` (it depends on a differentiable input). */
  isLive(v: string): boolean {
    return this.live.has(v);
  }

  shapeOf(v: string): Shape {
    const s = this.shapes.get(v);
    if (s === undefined) throw new RangeError(`tape: no shape known for ${v}`);
    return s;
  }

  /** Emits a node with the given output shapes; records it when any input is live. */
  emit(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttributeValue>>,
    outShapes: readonly Shape[],
  ): string[] {
    const outputs = this.b.op(op, inputs, attrs, outShapes.length);
    outputs.forEach((o, i) => this.shapes.set(o, outShapes[i] as Shape));
    if (inputs.some((v) => this.live.has(v))) {
      for (const o of outputs) this.live.add(o);
      this.records.push({ op, inputs, outputs, attrs });
    }
    return outputs;
  }

  private emit1(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttributeValue>>,
    shape: Shape,
  ): string {
    return this.emit(op, inputs, attrs, [shape])[0] as string;
  }

  /** A float32 scalar constant (never differentiable). */
  scalar(v: number): string {
    const name = this.b.floats([v]);
    this.shapes.set(name, []);
    return name;
  }

  add(a: string, b: string): string {
    return this.emit1('Add', [a, b], {}, broadcastShape(this.shapeOf(a), this.shapeOf(b)));
  }

  sub(a: string, b: string): string {
    return this.emit1('Sub', [a, b], {}, broadcastShape(this.shapeOf(a), this.shapeOf(b)));
  }

  mul(a: string, b: string): string {
    return this.emit1('Mul', [a, b], {}, broadcastShape(this.shapeOf(a), this.shapeOf(b)));
  }

  /** A unary elementwise op (activations, Neg, Identity) with its attributes. */
  unary(op: string, x: string, attrs: Readonly<Record<string, AttributeValue>> = {}): string {
    return this.emit1(op, [x], attrs, this.shapeOf(x));
  }

  /** `a [M, K] · w [N, K]ᵀ (+ c)`: a Gemm with transB, so weights stay as stored ([out, in]). */
  linear(a: string, w: string, c: string | null): string {
    const [M] = this.shapeOf(a) as [number];
    const [N] = this.shapeOf(w) as [number];
    return this.emit1('Gemm', c === null ? [a, w] : [a, w, c], { transB: 1 }, [M, N]);
  }

  /** Splits `x` along `axis` into pieces of the given sizes. */
  split(x: string, axis: number, sizes: readonly number[]): string[] {
    const shape = this.shapeOf(x);
    const outShapes = sizes.map((s) => shape.map((d, i) => (i === axis ? s : d)));
    if (sizes.length === 1) return [this.emit1('Identity', [x], {}, shape)];
    // Emitted as Slices (see slices.ts), recorded as one Split: its gradient is one Concat.
    const outputs = slices(this.b, x, axis, sizes);
    outputs.forEach((o, i) => this.shapes.set(o, outShapes[i] as Shape));
    if (this.live.has(x)) {
      for (const o of outputs) this.live.add(o);
      this.records.push({ op: 'Split', inputs: [x], outputs, attrs: { axis } });
    }
    return outputs;
  }

  concat(xs: readonly string[], axis: number): string {
    if (xs.length === 1) return xs[0] as string;
    const first = this.shapeOf(xs[0] as string);
    const total = xs.reduce((n, x) => n + (this.shapeOf(x)[axis] as number), 0);
    const whole = this.emit1(
      'Concat',
      xs,
      { axis },
      first.map((d, i) => (i === axis ? total : d)),
    );
    const sizes = xs.map((x) => this.shapeOf(x)[axis] as number);
    const distinct = new Set(xs).size === xs.length;
    if (distinct) xs.forEach((x, index) => this.pieces.set(x, { whole, index, axis, sizes }));
    return whole;
  }

  /** Where `v` sits in a Concat written with {@link concat} (each piece once), if it does. */
  pieceOf(v: string): ConcatPiece | undefined {
    return this.pieces.get(v);
  }

  /** Values made once per key: `make` runs on the first request, later ones answer its result. */
  once(key: string, make: () => readonly string[]): readonly string[] {
    let v = this.memo.get(key);
    if (v === undefined) this.memo.set(key, (v = make()));
    return v;
  }

  reshape(x: string, shape: Shape): string {
    return this.emit1('Reshape', [x, this.b.ints([...shape])], {}, shape);
  }

  /** `cond ? a : b` with a non-differentiable bool `cond`. */
  where(cond: string, a: string, b: string): string {
    const shape = broadcastShape(this.shapeOf(cond), broadcastShape(this.shapeOf(a), this.shapeOf(b)));
    return this.emit1('Where', [cond, a, b], {}, shape);
  }

  /** Reverses the first `lens[b]` steps of every row of a time-major [T, B, F] value. */
  reverseSequence(x: string, lens: string): string {
    return this.emit1('ReverseSequence', [x, lens], { batch_axis: 1, time_axis: 0 }, this.shapeOf(x));
  }
}
