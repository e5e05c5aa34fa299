import { type Tensor, tensor } from '@deeprnn/core';

function stridesOf(shape: readonly number[], axis: number): { outer: number; len: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, len: shape[axis]!, inner };
}

function alloc(like: Tensor, n: number): Float32Array | Float64Array {
  return like.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Gathers the slices `indices` (in that order, repeats allowed) along `axis`. */
export function take(t: Tensor, axis: number, indices: readonly number[]): Tensor {
  const { outer, len, inner } = stridesOf(t.shape, axis);
  const out = alloc(t, outer * indices.length * inner);
  for (let o = 0; o < outer; o++) {
    indices.forEach((src, k) => {
      const from = (o * len + src) * inner;
      out.set(t.data.subarray(from, from + inner), (o * indices.length + k) * inner);
    });
  }
  const shape = [...t.shape];
  shape[axis] = indices.length;
  return tensor(out, shape);
}

/** The slices [start, end) along `axis`. */
export function slice(t: Tensor, axis: number, start: number, end: number): Tensor {
  return take(t, axis, range(start, end));
}

/** Concatenates tensors of equal shape except along `axis`. */
export function concat(ts: readonly Tensor[], axis: number): Tensor {
  const first = ts[0]!;
  const total = ts.reduce((n, t) => n + t.shape[axis]!, 0);
  const { outer, inner } = stridesOf(first.shape, axis);
  const out = alloc(first, outer * total * inner);
  let offset = 0;
  for (const t of ts) {
    const len = t.shape[axis]!;
    for (let o = 0; o < outer; o++) {
      out.set(t.data.subarray(o * len * inner, (o + 1) * len * inner), (o * total + offset) * inner);
    }
    offset += len;
  }
  const shape = [...first.shape];
  shape[axis] = total;
  return tensor(out, shape);
}

/** Drops a size-1 axis. */
export function squeeze(t: Tensor, axis: number): Tensor {
  return tensor(
    t.data,
    t.shape.filter((_, i) => i !== axis),
  );
}

/** Inserts a size-1 axis at `axis`. */
export function unsqueeze(t: Tensor, axis: number): Tensor {
  const shape = [...t.shape];
  shape.splice(axis, 0, 1);
  return tensor(t.data, shape);
}

/** [start, end) as an array. */
export function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

/**
 * Reverses each batch row's first `lengths[b]` time steps and keeps the rest in place (the order in
 * which the reverse direction reads a padded sequence).
 */
export function reverseWithinLengths(
  t: Tensor,
  timeAxis: number,
  batchAxis: number,
  lengths: readonly number[],
): Tensor {
  const T = t.shape[timeAxis]!;
  const rows = lengths.map((L, b) => {
    const row = take(t, batchAxis, [b]);
    const order = range(0, T).map((i) => (i < L ? L - 1 - i : i));
    return take(row, timeAxis, order);
  });
  return concat(rows, batchAxis);
}

/** A copy with every element past `lengths[b]` along time (for row b) replaced by `fill(i)`. */
export function replacePadding(
  t: Tensor,
  timeAxis: number,
  batchAxis: number,
  lengths: readonly number[],
  fill: (i: number) => number,
): Tensor {
  const out = alloc(t, t.data.length);
  out.set(t.data);
  forEachIndex(t.shape, (flat, idx) => {
    if (idx[timeAxis]! >= lengths[idx[batchAxis]!]!) out[flat] = fill(flat);
  });
  return tensor(out, t.shape);
}

/** Calls `fn(flatIndex, multiIndex)` for every element of a shape, in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (flat: number, idx: readonly number[]) => void): void {
  const idx = shape.map(() => 0);
  const n = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < n; flat++) {
    fn(flat, idx);
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k]!++;
      if (idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
}
