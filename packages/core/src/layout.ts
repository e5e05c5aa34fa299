/**
 * Swaps the two leading axes of a row-major `[A, C, F]` array into `[C, A, F]`: `[B, T, F]` <-> `[T, B, F]`
 * (batch-first <-> time-major). The one copy of this loop in the project.
 *
 * @param out - where to write (same length as `data`); a new array of `data`'s type by default.
 */
export function swapLeadingAxes<A extends Float32Array | Float64Array | Int32Array>(
  data: A,
  a: number,
  c: number,
  f: number,
  out?: A,
): A {
  const dst = out ?? new (data.constructor as new (n: number) => A)(data.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < c; j++) dst.set(data.subarray((i * c + j) * f, (i * c + j + 1) * f), (j * a + i) * f);
  }
  return dst;
}
