import type { ForwardOptions, GradOutput, RnnState } from './backend.js';
import { type RnnSpec, directionCount, outputSize } from './config.js';
import { ShapeError } from './errors.js';
import { checkBytes, forwardWorkingBytes } from './size-limit.js';
import { type Tensor, firstNonFinite, formatShape, sameShape } from './tensor.js';

/** Sizes of one forward call, read off the input. */
export interface CallShape {
  /** Time steps. */
  readonly T: number;
  /** Batch rows (1 when unbatched). */
  readonly B: number;
  /** True for a 2-D `[T, I]` input: states and output then have no batch axis. */
  readonly isUnbatched: boolean;
}

/** Shape of h0/hN for a call. */
export function hiddenStateShape(spec: RnnSpec, call: CallShape): number[] {
  const rows = spec.numLayers * directionCount(spec);
  return call.isUnbatched ? [rows, outputSize(spec)] : [rows, call.B, outputSize(spec)];
}

/** Shape of c0/cN (LSTM) for a call. */
export function cellStateShape(spec: RnnSpec, call: CallShape): number[] {
  const rows = spec.numLayers * directionCount(spec);
  return call.isUnbatched ? [rows, spec.hiddenSize] : [rows, call.B, spec.hiddenSize];
}

/** Shape of the output for a call. */
export function outputShape(spec: RnnSpec, call: CallShape): number[] {
  const F = directionCount(spec) * outputSize(spec);
  if (call.isUnbatched) return [call.T, F];
  return spec.batchFirst ? [call.B, call.T, F] : [call.T, call.B, F];
}

/**
 * Checks the input, initial state and options of a forward call against the spec.
 *
 * @returns the call's sizes.
 * @throws {@link ShapeError} saying which tensor is wrong, what was expected and what arrived.
 * @throws {@link SizeLimitError} when the call's working memory would exceed `options.maxBytes` (default 2 GiB).
 */
export function checkForwardArgs(
  spec: RnnSpec,
  input: Tensor,
  initial?: RnnState,
  options: ForwardOptions = {},
): CallShape {
  checkTensorData('input', input);
  const shape = input.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    const want = spec.batchFirst ? '[B, T, I]' : '[T, B, I]';
    throw new ShapeError(
      `forward: input must be ${want} or unbatched [T, I], got rank ${shape.length} ${formatShape(shape)}`,
    );
  }
  const isUnbatched = shape.length === 2;
  const T = isUnbatched || !spec.batchFirst ? (shape[0] as number) : (shape[1] as number);
  const B = isUnbatched ? 1 : spec.batchFirst ? (shape[0] as number) : (shape[1] as number);
  const I = shape[shape.length - 1] as number;
  if (I !== spec.inputSize) {
    throw new ShapeError(`forward: input has ${I} features, config.inputSize is ${spec.inputSize}`);
  }
  if (T < 1) throw new ShapeError(`forward: input needs at least one time step, got ${formatShape(shape)}`);
  if (B < 1) throw new ShapeError(`forward: input needs at least one batch row, got ${formatShape(shape)}`);
  const call: CallShape = { T, B, isUnbatched };
  checkBytes(
    `forward: a ${spec.mode} call with T=${T}, B=${B}`,
    forwardWorkingBytes(spec, call, input.dtype),
    options.maxBytes,
    'forward (options.maxBytes)',
  );
  if (initial !== undefined) checkState(spec, call, initial);
  if (options.lengths !== undefined) checkLengths(options.lengths, call);
  if (options.checkFinite) {
    const i = firstNonFinite(input.data);
    if (i >= 0) throw new ShapeError(`forward: input[${i}] is ${input.data[i]}, expected finite values`);
    for (const [name, t] of [
      ['h0', initial?.h],
      ['c0', initial?.c],
    ] as const) {
      const j = t ? firstNonFinite(t.data) : -1;
      if (t && j >= 0) throw new ShapeError(`forward: ${name}[${j}] is ${t.data[j]}, expected finite values`);
    }
  }
  return call;
}

/**
 * Checks that a (possibly hand-built) tensor is one: a shape of non-negative integers and a Float32Array
 * or Float64Array holding exactly the product of the shape. A shorter `data` would make a backend read
 * past its end (NaN or garbage) instead of failing.
 */
function checkTensorData(name: string, t: unknown): asserts t is Tensor {
  if (typeof t !== 'object' || t === null || !Array.isArray((t as Tensor).shape)) {
    throw new ShapeError(
      `forward: ${name} must be a tensor ({ dtype, shape, data }), got ${t === null ? 'null' : typeof t}`,
    );
  }
  const { shape, data } = t as Tensor;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`forward: ${name} shape must be non-negative integers, got [${shape.map(String).join(', ')}]`);
  }
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new ShapeError(
      `forward: ${name}.data must be a Float32Array or Float64Array, got ${data === null ? 'null' : typeof data === 'object' ? ((data as object).constructor?.name ?? 'object') : typeof data}`,
    );
  }
  const want = shape.reduce((n, d) => n * d, 1);
  if (data.length !== want) {
    throw new ShapeError(
      `forward: ${name} of shape ${formatShape(shape)} needs ${want} elements, its data has ${data.length}`,
    );
  }
}

function checkState(spec: RnnSpec, call: CallShape, initial: RnnState): void {
  if (typeof initial !== 'object' || initial === null) {
    throw new ShapeError(
      `forward: the initial state must be { h, c? }, got ${initial === null ? 'null' : typeof initial}`,
    );
  }
  if (initial.h !== undefined) checkTensorData('h0', initial.h);
  if (initial.c !== undefined) checkTensorData('c0', initial.c);
  const wantH = hiddenStateShape(spec, call);
  if (!initial.h || !sameShape(initial.h.shape, wantH)) {
    throw new ShapeError(
      `forward: h0 must be ${formatShape(wantH)}, got ${initial.h ? formatShape(initial.h.shape) : 'nothing'}`,
    );
  }
  if (spec.mode === 'lstm') {
    const wantC = cellStateShape(spec, call);
    if (initial.c !== undefined && !sameShape(initial.c.shape, wantC)) {
      throw new ShapeError(`forward: c0 must be ${formatShape(wantC)}, got ${formatShape(initial.c.shape)}`);
    }
  } else if (initial.c !== undefined) {
    throw new ShapeError(`forward: c0 is only for lstm, got c0 ${formatShape(initial.c.shape)} with mode ${spec.mode}`);
  }
}

function checkLengths(lengths: ArrayLike<number>, call: CallShape): void {
  if (typeof lengths !== 'object' || lengths === null || typeof lengths.length !== 'number') {
    throw new ShapeError(
      `forward: lengths must be an array of ${call.B} integers, got ${lengths === null ? 'null' : typeof lengths}`,
    );
  }
  if (lengths.length !== call.B) {
    throw new ShapeError(`forward: lengths must have one entry per batch row (${call.B}), got ${lengths.length}`);
  }
  for (let b = 0; b < call.B; b++) {
    const L = lengths[b] as number;
    if (!Number.isInteger(L) || L < 0 || L > call.T) {
      throw new ShapeError(`forward: lengths[${b}] must be an integer in [0, ${call.T}], got ${L}`);
    }
  }
}

/**
 * Checks the upstream gradients of a `gradients` call against the call's output and state shapes.
 *
 * @throws {@link ShapeError} naming the tensor, its expected and its actual shape.
 */
export function checkGradOutput(spec: RnnSpec, call: CallShape, g: GradOutput): void {
  const check = (name: string, t: Tensor | undefined, want: number[]): void => {
    if (t !== undefined && !sameShape(t.shape, want)) {
      throw new ShapeError(`gradients: gradOutput.${name} must be ${formatShape(want)}, got ${formatShape(t.shape)}`);
    }
  };
  check('output', g.output, outputShape(spec, call));
  check('h', g.h, hiddenStateShape(spec, call));
  if (spec.mode === 'lstm') check('c', g.c, cellStateShape(spec, call));
  else if (g.c !== undefined) throw new ShapeError(`gradients: gradOutput.c is only for lstm, got mode ${spec.mode}`);
}
