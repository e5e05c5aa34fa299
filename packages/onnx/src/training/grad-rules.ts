import type { AttributeValue } from '../graph-builder.js';
import { type GradTerm, concatOnce, unbroadcast } from './gradient-sum.js';
import { slices } from './slices.js';
import type { Shape, Tape, TapeNode } from './tape.js';

/** Terms a node sends to its inputs: `[input index, term]`. */
export type InputTerms = [number, GradTerm][];

function floatAttr(node: TapeNode, name: string): number {
  const a: AttributeValue | undefined = node.attrs[name];
  if (a !== undefined && typeof a === 'object' && 'float' in a) return a.float;
  return typeof a === 'number' ? a : 0;
}

/**
 * The derivative of an activation node, applied to `g`, from its input `x` and output `y`; each
 * matches core's `activationFn(...).derivative` (Relu: 0 at x <= 0; clip: the gradient passes
 * inside [-clip, clip], bounds included).
 */
function activationGrad(tape: Tape, node: TapeNode, x: string, y: string, g: string): string | null {
  const b = tape.b;
  // Constants are made on first use: an unused initializer draws a warning from ONNX Runtime.
  const one = (): string => b.floats([1]);
  const zero = (): string => b.floats([0]);
  const alpha = floatAttr(node, 'alpha');
  switch (node.op) {
    case 'Tanh': {
      const tanhPrime = (v: string): string => b.op1('Sub', [one(), b.op1('Mul', [v, v])]);
      // A step's output that is also a piece of the layer's output sequence: 1 - y² of the whole
      // sequence in two nodes, cut into the steps once, instead of two nodes per step.
      const piece = tape.pieceOf(y);
      const d =
        piece === undefined
          ? tanhPrime(y)
          : (tape.once(`tanh'|${piece.whole}`, () => slices(b, tanhPrime(piece.whole), piece.axis, piece.sizes))[
              piece.index
            ] as string);
      return b.op1('Mul', [g, d]);
    }
    case 'Sigmoid':
      return b.op1('Mul', [g, b.op1('Mul', [y, b.op1('Sub', [one(), y])])]);
    case 'Relu':
      return b.op1('Where', [b.op1('Greater', [x, zero()]), g, zero()]);
    case 'LeakyRelu':
      return b.op1('Where', [b.op1('GreaterOrEqual', [x, zero()]), g, b.op1('Mul', [g, b.floats([alpha])])]);
    case 'ThresholdedRelu':
      return b.op1('Where', [b.op1('Greater', [x, b.floats([alpha])]), g, zero()]);
    case 'Elu':
      return b.op1('Where', [
        b.op1('GreaterOrEqual', [x, zero()]),
        g,
        b.op1('Mul', [g, b.op1('Add', [y, b.floats([alpha])])]),
      ]);
    case 'HardSigmoid': {
      const v = b.op1('Add', [b.op1('Mul', [x, b.floats([alpha])]), b.floats([floatAttr(node, 'beta')])]);
      const inside = b.op1('And', [b.op1('Greater', [v, zero()]), b.op1('Less', [v, one()])]);
      return b.op1('Where', [inside, b.op1('Mul', [g, b.floats([alpha])]), zero()]);
    }
    case 'Softsign': {
      const d = b.op1('Add', [b.op1('Abs', [x]), one()]);
      return b.op1('Div', [g, b.op1('Mul', [d, d])]);
    }
    case 'Softplus':
      return b.op1('Mul', [g, b.op1('Sigmoid', [x])]);
    case 'Selu': {
      // x > 0: gamma; else y = gamma alpha (e^x - 1), so the slope is y + alpha gamma.
      const gamma = floatAttr(node, 'gamma');
      return b.op1('Where', [
        b.op1('Greater', [x, zero()]),
        b.op1('Mul', [g, b.floats([gamma])]),
        b.op1('Mul', [g, b.op1('Add', [y, b.floats([alpha * gamma])])]),
      ]);
    }
    default:
      return null;
  }
}

/**
 * The reverse-mode rule of one recorded node: given the gradients of its outputs (null: zero), the
 * terms for its live inputs.
 *
 * @throws RangeError for an op without a rule (a bug in the training graph writer, never user input).
 */
export function gradientRule(tape: Tape, node: TapeNode, gs: readonly (string | null)[]): InputTerms {
  const b = tape.b;
  const ins = node.inputs;
  const live = (i: number): boolean => tape.isLive(ins[i] as string);
  const shape = (v: string): Shape => tape.shapeOf(v);
  const out = node.outputs[0] as string;
  const g = gs[0] ?? null;
  const terms: InputTerms = [];
  const unb = (i: number, v: string): void => {
    if (live(i)) terms.push([i, unbroadcast(b, v, shape(out), shape(ins[i] as string))]);
  };
  const [a0, a1, a2] = ins as [string, string, string | undefined];
  if (node.op === 'Split') {
    if (gs.every((x) => x === null)) return terms;
    const pieces = node.outputs.map((o, i) => gs[i] ?? b.op1('ConstantOfShape', [b.ints([...shape(o)])]));
    return [[0, { kind: 'full', v: concatOnce(b, pieces, node.attrs['axis'] as number) }]];
  }
  if (g === null) return terms;
  switch (node.op) {
    case 'Add':
      unb(0, g);
      unb(1, g);
      return terms;
    case 'Sub':
      unb(0, g);
      if (live(1)) unb(1, b.op1('Neg', [g]));
      return terms;
    case 'Mul':
      if (live(0)) unb(0, b.op1('Mul', [g, a1]));
      if (live(1)) unb(1, b.op1('Mul', [g, a0]));
      return terms;
    case 'Gemm':
      // out = a · wᵀ + c.
      if (live(0)) terms.push([0, { kind: 'product', a: g, b: a1 }]);
      if (live(1)) terms.push([1, { kind: 'outer', left: g, right: a0 }]);
      if (a2 !== undefined) unb(2, g);
      return terms;
    case 'Concat': {
      const axis = node.attrs['axis'] as number;
      const sizes = ins.map((v) => shape(v)[axis] as number);
      const parts = slices(b, g, axis, sizes);
      return ins.flatMap((_, i): InputTerms => (live(i) ? [[i, { kind: 'full', v: parts[i] as string }]] : []));
    }
    case 'Reshape':
      return [[0, { kind: 'full', v: b.op1('Reshape', [g, b.ints([...shape(a0)])]) }]];
    case 'Identity':
      return [[0, { kind: 'full', v: g }]];
    case 'Neg':
      return [[0, { kind: 'full', v: b.op1('Neg', [g]) }]];
    case 'Where': {
      const zero = b.floats([0]);
      if (live(1)) unb(1, b.op1('Where', [a0, g, zero]));
      if (a2 !== undefined && live(2)) unb(2, b.op1('Where', [a0, zero, g]));
      return terms;
    }
    case 'ReverseSequence':
      // A permutation of the steps (its own inverse): the gradient moves back the same way.
      return [[0, { kind: 'full', v: b.op1('ReverseSequence', [g, a1], { batch_axis: 1, time_axis: 0 }) }]];
    case 'Clip': {
      const inside = b.op1('And', [b.op1('GreaterOrEqual', [a0, a1]), b.op1('LessOrEqual', [a0, a2 as string])]);
      return [[0, { kind: 'full', v: b.op1('Where', [inside, g, b.floats([0])]) }]];
    }
    default: {
      const d = activationGrad(tape, node, a0, out, g);
      if (d === null) throw new RangeError(`training graph: no gradient rule for ${node.op}`);
      return [[0, { kind: 'full', v: d }]];
    }
  }
}
