import { ShapeError } from './errors.js';

/** Element types deeprnn computes in. */
export type DType = 'float32' | 'float64';

/** The typed array that backs a tensor of the given dtype. */
export type TypedArrayFor<D extends DType> = D extends 'float32' ? Float32Array : Float64Array;

/** A dense row-major tensor: a typed array and its shape. Tensors are values; nothing mutates them. */
export interface Tensor<D extends DType = DType> {
  /** Element type, matching the typed array of `data`. */
  readonly dtype: D;
  /** Dimensions, outermost first; `[]` is a scalar. Their product is `data.length`. */
  readonly shape: readonly number[];
  /** The elements in row-major order (last dimension fastest). */
  readonly data: TypedArrayFor<D>;
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function isValidShape(shape: readonly number[]): boolean {
  return shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/**
 * Wraps `data` as a tensor of `shape` without copying.
 *
 * @param data - row-major elements; its type decides the dtype.
 * @param shape - dimensions; their product must equal `data.length`.
 * @returns the tensor.
 * @throws {@link ShapeError} when the shape is not a list of non-negative integers or does not match `data.length`.
 * @example
 * ```ts
 * const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
 * ```
 */
export function tensor(data: Float32Array, shape: readonly number[]): Tensor<'float32'>;
export function tensor(data: Float64Array, shape: readonly number[]): Tensor<'float64'>;
export function tensor(data: Float32Array | Float64Array, shape: readonly number[]): Tensor;
export function tensor(data: Float32Array | Float64Array, shape: readonly number[]): Tensor {
  if (!isValidShape(shape)) {
    throw new ShapeError(`tensor: shape must be non-negative integers, got [${shape.join(', ')}]`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(
      `tensor: shape [${shape.join(', ')}] holds ${sizeOf(shape)} elements, data has ${data.length}`,
    );
  }
  const dtype: DType = data instanceof Float64Array ? 'float64' : 'float32';
  return Object.freeze({ dtype, shape: Object.freeze([...shape]), data });
}

/** A zero-filled tensor of the given shape and dtype. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  if (!isValidShape(shape)) {
    throw new ShapeError(`zeros: shape must be non-negative integers, got [${shape.join(', ')}]`);
  }
  const n = sizeOf(shape);
  return tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), shape);
}

/**
 * Builds a tensor from plain numbers (rounded to float32 for `float32`).
 *
 * @throws {@link ShapeError} when the shape does not match the number of values.
 */
export function fromArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const data =
    dtype === 'float64'
      ? Float64Array.from(values as ArrayLike<number>)
      : Float32Array.from(values as ArrayLike<number>);
  return tensor(data, shape);
}

/** Converts a tensor to another dtype, returning it unchanged when it already has that dtype. */
export function toDType(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return tensor(dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data), t.shape);
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Formats a shape as `[a, b, c]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Index of the first non-finite element, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return i;
  }
  return -1;
}
