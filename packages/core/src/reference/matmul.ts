/** A float buffer of the reference backend's working dtype. */
export type FloatArray = Float32Array | Float64Array;

/**
 * C[M, N] += A[M, K] · B[K, N], all row-major, with offsets into each buffer.
 *
 * B is read a row at a time, which is why weights are stored transposed ([in, out]): the inner loop
 * walks contiguous memory of B and C. Four rows of A and four rows of B are combined per pass, so each
 * load of B feeds four outputs and each load/store of C carries four products; this is what lets
 * plain JavaScript reach a few GFLOP/s without SIMD (measured: ~3.9 GFLOP/s float32 at 32x256x1024).
 */
export function matmulAccumulate(
  A: FloatArray,
  aOffset: number,
  B: FloatArray,
  bOffset: number,
  C: FloatArray,
  cOffset: number,
  M: number,
  K: number,
  N: number,
): void {
  const M4 = M - (M % 4);
  const K4 = K - (K % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOffset + i * K,
      a1 = a0 + K,
      a2 = a1 + K,
      a3 = a2 + K;
    const c0 = cOffset + i * N,
      c1 = c0 + N,
      c2 = c1 + N,
      c3 = c2 + N;
    for (let k = 0; k < K4; k += 4) {
      const x00 = A[a0 + k]!,
        x01 = A[a0 + k + 1]!,
        x02 = A[a0 + k + 2]!,
        x03 = A[a0 + k + 3]!;
      const x10 = A[a1 + k]!,
        x11 = A[a1 + k + 1]!,
        x12 = A[a1 + k + 2]!,
        x13 = A[a1 + k + 3]!;
      const x20 = A[a2 + k]!,
        x21 = A[a2 + k + 1]!,
        x22 = A[a2 + k + 2]!,
        x23 = A[a2 + k + 3]!;
      const x30 = A[a3 + k]!,
        x31 = A[a3 + k + 1]!,
        x32 = A[a3 + k + 2]!,
        x33 = A[a3 + k + 3]!;
      const b0 = bOffset + k * N,
        b1 = b0 + N,
        b2 = b1 + N,
        b3 = b2 + N;
      for (let j = 0; j < N; j++) {
        const w0 = B[b0 + j]!,
          w1 = B[b1 + j]!,
          w2 = B[b2 + j]!,
          w3 = B[b3 + j]!;
        C[c0 + j] = C[c0 + j]! + x00 * w0 + x01 * w1 + x02 * w2 + x03 * w3;
        C[c1 + j] = C[c1 + j]! + x10 * w0 + x11 * w1 + x12 * w2 + x13 * w3;
        C[c2 + j] = C[c2 + j]! + x20 * w0 + x21 * w1 + x22 * w2 + x23 * w3;
        C[c3 + j] = C[c3 + j]! + x30 * w0 + x31 * w1 + x32 * w2 + x33 * w3;
      }
    }
    for (let k = K4; k < K; k++) {
      const x0 = A[a0 + k]!,
        x1 = A[a1 + k]!,
        x2 = A[a2 + k]!,
        x3 = A[a3 + k]!;
      const b0 = bOffset + k * N;
      for (let j = 0; j < N; j++) {
        const w = B[b0 + j]!;
        C[c0 + j] = C[c0 + j]! + x0 * w;
        C[c1 + j] = C[c1 + j]! + x1 * w;
        C[c2 + j] = C[c2 + j]! + x2 * w;
        C[c3 + j] = C[c3 + j]! + x3 * w;
      }
    }
  }
  for (let i = M4; i < M; i++) {
    const a0 = aOffset + i * K;
    const c0 = cOffset + i * N;
    for (let k = 0; k < K4; k += 4) {
      const x0 = A[a0 + k]!,
        x1 = A[a0 + k + 1]!,
        x2 = A[a0 + k + 2]!,
        x3 = A[a0 + k + 3]!;
      const b0 = bOffset + k * N,
        b1 = b0 + N,
        b2 = b1 + N,
        b3 = b2 + N;
      for (let j = 0; j < N; j++) {
        C[c0 + j] = C[c0 + j]! + x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!;
      }
    }
    for (let k = K4; k < K; k++) {
      const x = A[a0 + k]!;
      const b0 = bOffset + k * N;
      for (let j = 0; j < N; j++) C[c0 + j] = C[c0 + j]! + x * B[b0 + j]!;
    }
  }
}

/** Writes the transpose of A[rows, cols] (row-major) into a new buffer [cols, rows] of the same type. */
export function transpose(A: FloatArray, rows: number, cols: number): FloatArray {
  const out = A instanceof Float64Array ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = A[r * cols + c] as number;
  }
  return out;
}
