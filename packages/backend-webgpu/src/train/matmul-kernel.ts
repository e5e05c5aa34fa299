/**
 * One strided matrix product for every product of a training step: C[m, n] (+)= bias[n] +
 * sum_k A[m, k] B[k, n], where each operand is read through an offset and two strides, so transposed
 * operands (X^T dG, dG W^T, the head's Y W^T) need no copies. A workgroup of 16x16 threads computes
 * a 64x64 tile of C, each thread a 4x4 block, staging 16-deep slices of A and B in workgroup memory.
 * It runs every product; `matmulPlan` sends the products whose operands allow it to the faster
 * vec4 kernel (matmul-vec4-kernel.ts) instead.
 */

import { vec4Layout, vec4Uniform, vec4Workgroups } from './matmul-vec4-kernel.js';
import { MATMUL_STORE_WGSL } from './matmul-store-wgsl.js';

export { MATMUL_VEC4_WGSL } from './matmul-vec4-kernel.js';

/** WebGPU's default (and minimum) maxComputeWorkgroupsPerDimension. */
const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** Rows and columns of C one workgroup computes. */
export const MATMUL_TILE = 64;

/** One product's sizes, offsets and strides (f32 words). */
export interface MatmulArgs {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: readonly [offset: number, rowStride: number, kStride: number];
  readonly b: readonly [offset: number, kStride: number, colStride: number];
  readonly c: readonly [offset: number, rowStride: number, colStride: number];
  /** Offset of a bias added to every row, or null. */
  readonly bias: number | null;
  /** Add to C instead of overwriting it. */
  readonly accumulate: boolean;
}

/** The kernel, uniform block and workgroups of one product. */
export interface MatmulPlan {
  /** 'vec4': MATMUL_VEC4_WGSL's pipeline; 'tiled': MATMUL_WGSL's. */
  readonly kernel: 'tiled' | 'vec4';
  readonly uniform: Uint32Array;
  readonly workgroups: [number, number];
}

/**
 * How to run a product: on the vec4 kernel when each operand is contiguous along one dimension at
 * 4-aligned offsets and strides (see `vec4Layout`; every product of the d2l step), else on the
 * tiled kernel. Both kernels take the same bindings (uniform, A, B, bias, C).
 */
export function matmulPlan(m: MatmulArgs): MatmulPlan {
  const layout = vec4Layout(m);
  const workgroups = vec4Workgroups(m);
  // The vec4 kernel's workgroups cover 4x fewer rows than the tiled kernel's: past WebGPU's
  // 65535 workgroups per dimension, the tiled kernel still runs the product.
  if (layout && Math.max(...workgroups) <= MAX_WORKGROUPS_PER_DIMENSION)
    return { kernel: 'vec4', uniform: vec4Uniform(m, layout), workgroups };
  return { kernel: 'tiled', uniform: matmulUniform(m), workgroups: matmulWorkgroups(m) };
}

/** The 16 words of a product's uniform block on the tiled kernel. */
export function matmulUniform(m: MatmulArgs): Uint32Array {
  const flags = (m.accumulate ? 1 : 0) | (m.bias !== null ? 2 : 0);
  return Uint32Array.of(m.M, m.N, m.K, ...m.a, ...m.b, ...m.c, m.bias ?? 0, flags, 0, 0);
}

/** Workgroups of a product's dispatch on the tiled kernel. */
export function matmulWorkgroups(m: MatmulArgs): [number, number] {
  return [Math.ceil(m.N / MATMUL_TILE), Math.ceil(m.M / MATMUL_TILE)];
}

export const MATMUL_WGSL: string = /* wgsl */ `
struct P { M: u32, N: u32, K: u32, aOff: u32, aSm: u32, aSk: u32, bOff: u32, bSk: u32, bSn: u32,
           cOff: u32, cSm: u32, cSn: u32, biasOff: u32, flags: u32, p0: u32, p1: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE = 64u;
const TK = 16u;
var<workgroup> as_: array<f32, 1024>; // [TILE][TK]
var<workgroup> bs: array<f32, 1024>;  // [TK][TILE]

${MATMUL_STORE_WGSL}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  // The 4x4 block of every thread in scalars: a dynamically indexed array would live in memory.
  var c00 = 0.0;
  var c01 = 0.0;
  var c02 = 0.0;
  var c03 = 0.0;
  var c10 = 0.0;
  var c11 = 0.0;
  var c12 = 0.0;
  var c13 = 0.0;
  var c20 = 0.0;
  var c21 = 0.0;
  var c22 = 0.0;
  var c23 = 0.0;
  var c30 = 0.0;
  var c31 = 0.0;
  var c32 = 0.0;
  var c33 = 0.0;
  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    for (var i = li; i < TILE * TK; i += 256u) {
      let r = row0 + i / TK;
      let k = k0 + i % TK;
      var v = 0.0;
      if (r < p.M && k < p.K) { v = a[p.aOff + r * p.aSm + k * p.aSk]; }
      as_[i] = v;
      let kk = k0 + i / TILE;
      let n = col0 + i % TILE;
      var u = 0.0;
      if (kk < p.K && n < p.N) { u = b[p.bOff + kk * p.bSk + n * p.bSn]; }
      bs[i] = u;
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let b0 = bs[k * TILE + lid.x + 0u];
      let b1 = bs[k * TILE + lid.x + 16u];
      let b2 = bs[k * TILE + lid.x + 32u];
      let b3 = bs[k * TILE + lid.x + 48u];
      let a0 = as_[(lid.y + 0u) * TK + k];
      let a1 = as_[(lid.y + 16u) * TK + k];
      let a2 = as_[(lid.y + 32u) * TK + k];
      let a3 = as_[(lid.y + 48u) * TK + k];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
    }
    workgroupBarrier();
  }
  store(row0 + lid.y + 0u, col0 + lid.x + 0u, c00);
  store(row0 + lid.y + 0u, col0 + lid.x + 16u, c01);
  store(row0 + lid.y + 0u, col0 + lid.x + 32u, c02);
  store(row0 + lid.y + 0u, col0 + lid.x + 48u, c03);
  store(row0 + lid.y + 16u, col0 + lid.x + 0u, c10);
  store(row0 + lid.y + 16u, col0 + lid.x + 16u, c11);
  store(row0 + lid.y + 16u, col0 + lid.x + 32u, c12);
  store(row0 + lid.y + 16u, col0 + lid.x + 48u, c13);
  store(row0 + lid.y + 32u, col0 + lid.x + 0u, c20);
  store(row0 + lid.y + 32u, col0 + lid.x + 16u, c21);
  store(row0 + lid.y + 32u, col0 + lid.x + 32u, c22);
  store(row0 + lid.y + 32u, col0 + lid.x + 48u, c23);
  store(row0 + lid.y + 48u, col0 + lid.x + 0u, c30);
  store(row0 + lid.y + 48u, col0 + lid.x + 16u, c31);
  store(row0 + lid.y + 48u, col0 + lid.x + 32u, c32);
  store(row0 + lid.y + 48u, col0 + lid.x + 48u, c33);
}
`;
