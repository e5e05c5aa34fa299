import { type RnnSpec, directionCount, outputSize, paramLayout } from '@deeprnn/core';
import { type GraphBuilder, valueInfo } from '../graph-builder.js';
import { DataType, type ValueInfoProto } from '../proto.js';
import { Tape } from './tape.js';
import { type StackOutputs, emitTrainStack } from './train-stack.js';

/** The opset training graphs are written in (ReduceSum/Split take axes and sizes as inputs since 13). */
export const TRAINING_OPSET = 17;

/** Sizes a training graph is built for: one graph per (spec, T, B) and optional inputs. */
export interface TrainingShape {
  /** Time steps. */
  readonly T: number;
  /** Batch rows (1 for an unbatched call). */
  readonly B: number;
  /** Declare an int32 `sequence_lens` [B] input. Default false: every row has T steps. */
  readonly lengths?: boolean;
  /**
   * Declare `dropout_mask_l<k>` inputs [T, B, D*Hout] for every layer but the last (the multipliers
   * keep / (1 - p) of core's `dropoutMasks`). Default: when `spec.dropout > 0` and there are 2+ layers.
   */
  readonly dropout?: boolean;
}

/** What the shared part of a training graph declares and computes. */
export interface ForwardPart {
  readonly tape: Tape;
  readonly inputs: ValueInfoProto[];
  readonly params: Map<string, string>;
  readonly stack: StackOutputs;
  /** The graph input `input` [T, B, I], as declared. */
  readonly input: string;
  readonly h0: string;
  readonly c0: string | null;
  readonly F: number;
}

/**
 * Declares the stack's inputs (parameters under their PyTorch names, `input` [T, B, I] time-major,
 * `h0`, `c0`, optional `sequence_lens` and dropout masks) and writes the forward on a tape.
 *
 * @param isInputLive - whether gradients with respect to `input`, `h0` and `c0` are wanted.
 */
export function emitForwardPart(
  b: GraphBuilder,
  spec: RnnSpec,
  shape: TrainingShape,
  isInputLive: boolean,
): ForwardPart {
  const { T, B } = shape;
  const tape = new Tape(b);
  const D = directionCount(spec);
  const Hout = outputSize(spec);
  const F = D * Hout;
  const rows = spec.numLayers * D;
  const inputs: ValueInfoProto[] = [];
  const declare = (name: string, dims: readonly number[], isLive: boolean, type: number = DataType.FLOAT): string => {
    b.reserve(name);
    inputs.push(valueInfo(name, type, dims));
    return tape.declare(name, dims, isLive);
  };
  const params = new Map<string, string>();
  for (const slot of paramLayout(spec)) params.set(slot.name, declare(slot.name, slot.shape, true));
  const input = declare('input', [T, B, spec.inputSize], isInputLive);
  const h0 = declare('h0', [rows, B, Hout], isInputLive);
  const c0 = spec.mode === 'lstm' ? declare('c0', [rows, B, spec.hiddenSize], isInputLive) : null;
  const lens = shape.lengths ? declare('sequence_lens', [B], false, DataType.INT32) : null;
  const hasDropout = shape.dropout ?? (spec.dropout > 0 && spec.numLayers > 1);
  const dropout = Array.from({ length: spec.numLayers }, (_, k) => {
    if (!hasDropout || k === spec.numLayers - 1) return null;
    const mask = declare(`dropout_mask_l${k}`, [T, B, F], false);
    return tape.reshape(mask, [T * B, F]);
  });
  const x = tape.reshape(input, [T * B, spec.inputSize]);
  const stack = emitTrainStack(tape, spec, { T, B, params, x, h0, c0, lens, dropout });
  return { tape, inputs, params, stack, input, h0, c0, F };
}

/** Joins per-row final states [B, X] into the graph output `name` [rows, B, X]. */
export function finalState(
  b: GraphBuilder,
  parts: readonly string[],
  B: number,
  X: number,
  name: string,
): ValueInfoProto {
  const joined = parts.length === 1 ? (parts[0] as string) : b.op1('Concat', parts, { axis: 0 });
  b.op1('Reshape', [joined, b.ints([parts.length, B, X])], {}, name);
  return valueInfo(name, DataType.FLOAT, [parts.length, B, X]);
}

/** A graph output `name` holding `value` (zeros of `dims` when null: the loss does not reach it). */
export function namedOutput(
  b: GraphBuilder,
  value: string | null,
  dims: readonly number[],
  name: string,
  type: number = DataType.FLOAT,
): ValueInfoProto {
  b.reserve(name);
  const v = value ?? b.op1('ConstantOfShape', [b.ints([...dims])]);
  b.op1('Identity', [v], {}, name);
  return valueInfo(name, type, dims);
}
