/**
 * The input projection of one layer for all time steps as one matrix product:
 * y[m, n] = bias[n] + sum_k x[m, k] * w[k, n], with x the layer input [T*B, K] and w the transposed
 * input weights of every direction side by side [K, D*G*H], the bias stored right after w.
 *
 * A workgroup of 16x16 threads computes a 64x64 tile of y, each thread a 4x4 block, staging 16-wide
 * slices of x and w in workgroup memory (8 KiB) so each global value is read once per tile.
 */

/** Rows and columns of y one workgroup computes. */
export const PROJECTION_TILE = 64;

/** Bytes of the uniform block the projection kernel reads: M, N, K and padding. */
export const PROJECTION_PARAMS_BYTES = 16;

/** The WGSL source of the projection kernel. */
export const PROJECTION_WGSL = /* wgsl */ `
struct Params { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const TILE = 64u;
const TK = 16u;
var<workgroup> xs: array<f32, 1024>; // [TILE][TK]
var<workgroup> ws: array<f32, 1024>; // [TK][TILE]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    for (var i = li; i < TILE * TK; i += 256u) {
      let r = row0 + i / TK;
      let k = k0 + i % TK;
      var v = 0.0;
      if (r < p.M && k < p.K) { v = x[r * p.K + k]; }
      xs[i] = v;
      let kk = k0 + i / TILE;
      let c = col0 + i % TILE;
      var u = 0.0;
      if (kk < p.K && c < p.N) { u = w[kk * p.N + c]; }
      ws[i] = u;
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      // Columns lid.x + 16*b: adjacent threads read adjacent words.
      let w0 = ws[k * TILE + lid.x];
      let w1 = ws[k * TILE + lid.x + 16u];
      let w2 = ws[k * TILE + lid.x + 32u];
      let w3 = ws[k * TILE + lid.x + 48u];
      for (var a = 0u; a < 4u; a++) {
        let xv = xs[(lid.y + 16u * a) * TK + k];
        acc[a * 4u] += xv * w0;
        acc[a * 4u + 1u] += xv * w1;
        acc[a * 4u + 2u] += xv * w2;
        acc[a * 4u + 3u] += xv * w3;
      }
    }
    workgroupBarrier();
  }
  let biasAt = p.K * p.N;
  for (var a = 0u; a < 4u; a++) {
    let r = row0 + lid.y + 16u * a;
    if (r >= p.M) { continue; }
    for (var b = 0u; b < 4u; b++) {
      let c = col0 + lid.x + 16u * b;
      if (c < p.N) { y[r * p.N + c] = acc[a * 4u + b] + w[biasAt + c]; }
    }
  }
}
`;
