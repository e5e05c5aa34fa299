/** [B, T, F] (batch-first) to [T, B, F], as float32. */
export function batchToTime(data: ArrayLike<number>, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * F;
      const dst = (t * B + b) * F;
      for (let f = 0; f < F; f++) out[dst + f] = data[src + f]!;
    }
  }
  return out;
}

/** [T, B, F] to [B, T, F] (batch-first). */
export function timeToBatch(data: Float32Array, T: number, B: number, F: number): Float32Array {
  const out = new Float32Array(T * B * F);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) out.set(data.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
  }
  return out;
}
