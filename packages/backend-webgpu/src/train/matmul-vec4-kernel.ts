import type { MatmulArgs } from './matmul-kernel.js';
import { MATMUL_STORE_WGSL } from './matmul-store-wgsl.js';

/**
 * The matrix product for operands that can be read four floats at a time, without workgroup
 * memory: every thread computes a 4x4 block of C and reads each operand as vec4 along the
 * dimension in which it is contiguous (A along k or m, B along k or n). On CPU implementations
 * (Mesa's lavapipe) every per-thread load is a scalar loop over the SIMD lanes, so what counts is
 * loads per multiply-add: here 8 vec4 loads feed 64, where the tiled kernel's workgroup-memory
 * reads feed 2 each; on lavapipe that makes the d2l step's products about 3x faster.
 */

/** Threads per workgroup of the vec4 kernel (a 1-D group; how it splits is in the uniform). */
const VEC4_THREADS = 64;
/** Most threads along n in a workgroup (fewer when N is small, so threads are not wasted). */
const VEC4_MAX_THREADS_N = 16;

/** How the vec4 kernel reads a product's operands, or null when it cannot run it. */
export interface Vec4Layout {
  /** A is read along k (rows contiguous), else along m (columns contiguous). */
  readonly aAlongK: boolean;
  /** B is read along n (rows contiguous), else along k (columns contiguous). */
  readonly bAlongN: boolean;
}

const multiplesOf4 = (...xs: readonly number[]): boolean => xs.every((x) => x % 4 === 0);

/**
 * The vec4 layout of a product, or null. Every vec4 read must be aligned and lie inside its
 * operand: an operand read along k needs K a multiple of 4 (its rows or columns are clamped one by
 * one at the edge, so M or N may be anything); one read along m (n) needs M (N) a multiple of 4
 * (its edge blocks are clamped whole), and K may then be anything (a tail loop takes the last k).
 * Offsets and the other stride must be multiples of 4.
 */
export function vec4Layout(m: MatmulArgs): Vec4Layout | null {
  if (m.M === 0 || m.N === 0 || m.K === 0) return null;
  const [aOff, aSm, aSk] = m.a;
  const [bOff, bSk, bSn] = m.b;
  const aAlongK = aSk === 1 && multiplesOf4(aOff, aSm, m.K);
  const aAlongM = aSm === 1 && multiplesOf4(aOff, aSk, m.M);
  const bAlongN = bSn === 1 && multiplesOf4(bOff, bSk, m.N);
  const bAlongK = bSk === 1 && multiplesOf4(bOff, bSn, m.K);
  if (!(aAlongK || aAlongM) || !(bAlongN || bAlongK)) return null;
  return { aAlongK, bAlongN };
}

/** Threads along n in a workgroup for a product with N columns (a power of two). */
function threadsN(N: number): number {
  let t = 1;
  while (t < VEC4_MAX_THREADS_N && t * 4 < N) t *= 2;
  return t;
}

/** The uniform block of a product on the vec4 kernel (same 16 words as the tiled kernel's, more flags). */
export function vec4Uniform(m: MatmulArgs, layout: Vec4Layout): Uint32Array {
  const flags =
    (m.accumulate ? 1 : 0) | (m.bias !== null ? 2 : 0) | (layout.aAlongK ? 4 : 0) | (layout.bAlongN ? 8 : 0);
  return Uint32Array.of(m.M, m.N, m.K, ...m.a, ...m.b, ...m.c, m.bias ?? 0, flags, threadsN(m.N), 0);
}

/** Workgroups of a product on the vec4 kernel. */
export function vec4Workgroups(m: MatmulArgs): [number, number] {
  const tn = threadsN(m.N);
  return [Math.ceil(m.N / (4 * tn)), Math.ceil(m.M / (4 * (VEC4_THREADS / tn)))];
}

const FOUR = [0, 1, 2, 3] as const;
const BLOCK = FOUR.flatMap((i) => FOUR.map((n) => [i, n] as const));

/** The k loop for one pair of operand layouts: 8 vec4 loads, then 64 multiply-adds per 4 k. */
function kLoop(aAlongK: boolean, bAlongN: boolean): string {
  // A(i, j): row i of the block at k offset j; B(j, n): k offset j, column n of the block.
  const A = (i: number, j: number): string => (aAlongK ? `a${i}[${j}]` : `a${j}[${i}]`);
  const B = (j: number, n: number): string => (bAlongN ? `b${j}[${n}]` : `b${n}[${j}]`);
  const aLoads = FOUR.map((x) => (aAlongK ? `a[ar${x} + kb]` : `a[am + (4u * kb + ${x}u) * aStep]`));
  const bLoads = FOUR.map((x) => (bAlongN ? `b[bn + (4u * kb + ${x}u) * bStep]` : `b[bc${x} + kb]`));
  const fmas = FOUR.flatMap((j) => BLOCK.map(([i, n]) => `c${i}${n} = fma(${A(i, j)}, ${B(j, n)}, c${i}${n});`));
  const loop = [
    '    for (var kb = 0u; kb < p.K / 4u; kb++) {',
    ...FOUR.map((x) => `      let a${x} = ${aLoads[x]};`),
    ...FOUR.map((x) => `      let b${x} = ${bLoads[x]};`),
    ...fmas.map((f) => `      ${f}`),
    '    }',
  ];
  if (aAlongK || bAlongN === false) return loop.join('\n');
  // A along m and B along n: K need not be a multiple of 4; the last K % 4 steps one at a time.
  return [
    ...loop,
    '    for (var k = p.K & ~3u; k < p.K; k++) {',
    '      let a0 = a[am + k * aStep];',
    '      let b0 = b[bn + k * bStep];',
    ...BLOCK.map(([i, n]) => `      c${i}${n} = fma(a0[${i}], b0[${n}], c${i}${n});`),
    '    }',
  ].join('\n');
}

/** WGSL of the vec4 kernel; bindings as the tiled kernel's, A and B viewed as vec4 arrays. */
export const MATMUL_VEC4_WGSL: string = /* wgsl */ `
struct P { M: u32, N: u32, K: u32, aOff: u32, aSm: u32, aSk: u32, bOff: u32, bSk: u32, bSn: u32,
           cOff: u32, cSm: u32, cSn: u32, biasOff: u32, flags: u32, tn: u32, p1: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

${MATMUL_STORE_WGSL}
@compute @workgroup_size(${VEC4_THREADS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let r0 = (wid.y * (${VEC4_THREADS}u / p.tn) + li / p.tn) * 4u;
  let n0 = (wid.x * p.tn + li % p.tn) * 4u;
  // Past the edge, rows (columns) read along k are clamped one by one and runs along m (n) to the
  // last whole block: every read stays inside its operand, and those results are never stored.
  // vec4 indices: rows of A along k (ar), or A's run of 4 rows at k = 0 (am); likewise for B.
${FOUR.map((i) => `  let ar${i} = (p.aOff + min(r0 + ${i}u, p.M - 1u) * p.aSm) / 4u;`).join('\n')}
  let am = (p.aOff + min(r0, (p.M - 1u) & ~3u)) / 4u;
  let aStep = p.aSk / 4u;
${FOUR.map((n) => `  let bc${n} = (p.bOff + min(n0 + ${n}u, p.N - 1u) * p.bSn) / 4u;`).join('\n')}
  let bn = (p.bOff + min(n0, (p.N - 1u) & ~3u)) / 4u;
  let bStep = p.bSk / 4u;
${BLOCK.map(([i, n]) => `  var c${i}${n} = 0.0;`).join('\n')}
  let aAlongK = (p.flags & 4u) != 0u;
  let bAlongN = (p.flags & 8u) != 0u;
  if (aAlongK && bAlongN) {
${kLoop(true, true)}
  } else if (aAlongK) {
${kLoop(true, false)}
  } else if (bAlongN) {
${kLoop(false, true)}
  } else {
${kLoop(false, false)}
  }
${BLOCK.map(([i, n]) => `  store(r0 + ${i}u, n0 + ${n}u, c${i}${n});`).join('\n')}
}
`;
