/** logits[n] = W · Y[n] + b for one row, into `out` [V]. */
export function rowLogits(
  Y: ArrayLike<number>,
  yOff: number,
  W: Float32Array,
  b: Float32Array,
  F: number,
  out: Float64Array,
): void {
  const V = b.length;
  for (let v = 0; v < V; v++) {
    let s = b[v]!;
    const w = v * F;
    for (let f = 0; f < F; f++) s += Y[yOff + f]! * W[w + f]!;
    out[v] = s;
  }
}
