import type { RnnSpec } from '@deeprnn/core';
import { activationPairWgsl } from './train-activations.js';

/** `body(r)` for every row r of a workgroup, joined: rows are unrolled so accumulators stay in registers. */
function rows(R: number, body: (r: number) => string): string {
  return Array.from({ length: R }, (_, r) => body(r)).join('\n');
}

/** How the recurrences split work: rows per workgroup, threads, units per thread (1, or 4 as vec4). */
export interface RowPlan {
  readonly R: number;
  readonly threads: number;
  readonly U: number;
}

/** Rows per workgroup, threads and units per thread of the training recurrences for hidden size H and batch B. */
export function trainRowPlan(H: number, B: number): RowPlan {
  // The backward keeps dh twice and the step's gate gradients: 3 R H words of the 16 KiB default.
  const R = Math.max(1, Math.min(4, Math.floor(4096 / (3 * H)), B));
  // Four units per thread (vec4 weights) when H allows: each broadcast read of h then feeds four
  // multiply-adds, which matters most on CPU implementations of WebGPU (lavapipe).
  const U = H % 4 === 0 ? 4 : 1;
  return { R, threads: Math.min(256, Math.max(32, Math.ceil(H / U / 32) * 32)), U };
}

/** The uniform block of both recurrences: call sizes and where the layer's weights sit. */
export function recurrenceUniform(T: number, B: number, stateRow: number, whh: number, bhh: number, seedOffset = 0): Uint32Array {
  return Uint32Array.of(T, B, stateRow, whh, bhh, seedOffset, 0, 0);
}

function header(spec: RnnSpec, plan: RowPlan): string {
  const H = spec.hiddenSize;
  const D = spec.bidirectional ? 2 : 1;
  const fwd = spec.activations[0]!;
  return `
const H = ${H}u;
const N = ${D * H}u;
const R = ${plan.R}u;
const WG = ${plan.threads}u;
const HAS_BIAS = ${spec.bias};
struct P { T: u32, B: u32, stateRow: u32, whh: u32, bhh: u32, seed: u32, p1: u32, p2: u32 }
${activationPairWgsl(fwd, spec.reverseActivations[0] ?? fwd)}`;
}

/** Row r's bookkeeping: its batch row, whether it exists, and whether step t is inside its length. */
function rowFlags(r: number): string {
  return `        let b = row0 + ${r}u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let a = ok && t < lens[bc];`;
}

/** Forward units: thread q owns units U*q .. U*q + U-1 (U = 1, or 4 with vec4 weight reads). */
function forwardUnits(H: number, R: number, U: number): string {
  if (U === 1) {
    return `    for (var j = lid; j < H; j += WG) {
${rows(R, (r) => `      var acc${r} = 0.0;`)}
      for (var k = 0u; k < H; k++) {
        let wv = w[wb + k * H + j];
${rows(R, (r) => `        acc${r} += hs[cur + ${r * H}u + k] * wv;`)}
      }
      var bh = 0.0;
      if (HAS_BIAS) { bh = w[p.bhh + dir * H + j]; }
${rows(R, (r) => `      {
${rowFlags(r)}
        let at = (t * p.B + bc) * N + dir * H + j;
        let hn = act(xp[at] + bh + acc${r}, dir);
        hs[nxt + ${r * H}u + j] = select(hs[cur + ${r * H}u + j], hn, a);
        if (ok) { y[at] = select(0.0, hn, a); }
      }`)}
    }`;
  }
  return `    for (var q = lid; q < H / 4u; q += WG) {
${rows(R, (r) => `      var acc${r} = vec4<f32>(0.0);`)}
      for (var k = 0u; k < H; k++) {
        let wv = w4[wb / 4u + k * (H / 4u) + q];
${rows(R, (r) => `        acc${r} += hs[cur + ${r * H}u + k] * wv;`)}
      }
      var bh = vec4<f32>(0.0);
      if (HAS_BIAS) {
        let o = p.bhh + dir * H + 4u * q;
        bh = vec4<f32>(w[o], w[o + 1u], w[o + 2u], w[o + 3u]);
      }
${rows(R, (r) => `      {
${rowFlags(r)}
        let at = (t * p.B + bc) * N + dir * H + 4u * q;
        let pre = vec4<f32>(xp[at], xp[at + 1u], xp[at + 2u], xp[at + 3u]) + bh + acc${r};
        let hn = vec4<f32>(act(pre.x, dir), act(pre.y, dir), act(pre.z, dir), act(pre.w, dir));
        for (var e = 0u; e < 4u; e++) {
          hs[nxt + ${r * H}u + 4u * q + e] = select(hs[cur + ${r * H}u + 4u * q + e], hn[e], a);
          if (ok) { y[at + e] = select(0.0, hn[e], a); }
        }
      }`)}
    }`;
}

/**
 * The recording forward of one plain-RNN layer, both directions (workgroup (x, d) owns rows
 * [x*R, x*R + R) of direction d): h_t = act(xp_t + b_hh + W_hh h_{t-1}), with xp = X W_ih^T + b_ih
 * from the product before it. Its outputs y are all the backward needs. With U = 4 the weights
 * are also bound as vec4 (`w4`): the layout keeps W_hh^T 4-word aligned.
 */
export function rnnForwardWgsl(spec: RnnSpec, plan: RowPlan): string {
  const { R, threads, U } = plan;
  const H = spec.hiddenSize;
  return /* wgsl */ `${header(spec, plan)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;
${U === 4 ? '@group(0) @binding(7) var<storage, read> w4: array<vec4<f32>>;' : ''}
var<workgroup> hs: array<f32, ${2 * R * H}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = p.whh + dir * H * H;
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    var v = 0.0;
    if (b < p.B) { v = s0[(srow * p.B + b) * H + i % H]; }
    hs[i] = v;
  }
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * H);
    let nxt = R * H - cur;
${forwardUnits(H, R, U)}
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * H);
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    if (b < p.B) { sN[(srow * p.B + b) * H + i % H] = hs[fin + i]; }
  }
}
`;
}

/** dh <- W_hh^T g for the units a thread owns (W_hh in row order: row j at j*H). */
function backwardUnits(H: number, R: number, U: number): string {
  if (U === 1) {
    return `    for (var k = lid; k < H; k += WG) {
${rows(R, (r) => `      var acc${r} = 0.0;`)}
      for (var j = 0u; j < H; j++) {
        let wv = w[wb + j * H + k];
${rows(R, (r) => `        acc${r} += gs[${r * H}u + j] * wv;`)}
      }
${rows(R, (r) => `      {
        let b = row0 + ${r}u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        dh[nxt + ${r * H}u + k] = select(dh[cur + ${r * H}u + k], acc${r}, a);
      }`)}
    }`;
  }
  return `    for (var q = lid; q < H / 4u; q += WG) {
${rows(R, (r) => `      var acc${r} = vec4<f32>(0.0);`)}
      for (var j = 0u; j < H; j++) {
        let wv = w[wb / 4u + j * (H / 4u) + q];
${rows(R, (r) => `        acc${r} += gs[${r * H}u + j] * wv;`)}
      }
${rows(R, (r) => `      {
        let b = row0 + ${r}u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < 4u; e++) {
          dh[nxt + ${r * H}u + 4u * q + e] = select(dh[cur + ${r * H}u + 4u * q + e], acc${r}[e], a);
        }
      }`)}
    }`;
}

/**
 * The backward recurrence of one plain-RNN layer, both directions, from the last step of each
 * direction to its first: g_t = (dy_t + dh) act'(y_t), dh <- W_hh^T g_t (steps past a row's length
 * pass dh through; W_hh is read in row order from a copy made just before, so adjacent threads
 * read adjacent words). Writes g (the gate gradients [T*B, D*H]), the h_{t-1} each step read (so
 * dW_hh is one product afterwards) and dh_0, the initial state's gradient. s0 holds the initial
 * states, then (from word `seed`) the final state's gradient that seeds dh (zeros in a trainer).
 */
export function rnnBackwardWgsl(spec: RnnSpec, plan: RowPlan): string {
  const { R, threads, U } = plan;
  const H = spec.hiddenSize;
  return /* wgsl */ `${header(spec, plan)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<${U === 4 ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> g: array<f32>;
@group(0) @binding(7) var<storage, read_write> hp: array<f32>;
@group(0) @binding(8) var<storage, read_write> ds0: array<f32>;
var<workgroup> dh: array<f32, ${2 * R * H}>;
var<workgroup> gs: array<f32, ${R * H}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = p.whh + dir * H * H;
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    var v = 0.0;
    if (b < p.B) { v = s0[p.seed + (srow * p.B + b) * H + i % H]; }
    dh[i] = v;
  }
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(p.T - 1u - s, s, dir == 1u);
    let cur = (s & 1u) * (R * H);
    let nxt = R * H - cur;
    for (var j = lid; j < H; j += WG) {
      for (var r = 0u; r < R; r++) {
        let b = row0 + r;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        let at = (t * p.B + bc) * N + dir * H + j;
        let gv = select(0.0, (dy[at] + dh[cur + r * H + j]) * dact(y[at], dir), a);
        gs[r * H + j] = gv;
        var first = t == 0u;
        var prev = t;
        if (dir == 0u) { if (t > 0u) { prev = t - 1u; } } else { first = t + 1u >= len; prev = min(t + 1u, p.T - 1u); }
        var hv = s0[(srow * p.B + bc) * H + j];
        if (!first) { hv = y[(prev * p.B + bc) * N + dir * H + j]; }
        if (ok) {
          g[at] = gv;
          hp[at] = select(0.0, hv, a);
        }
      }
    }
    workgroupBarrier();
${backwardUnits(H, R, U)}
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * H);
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    if (b < p.B) { ds0[(srow * p.B + b) * H + i % H] = dh[fin + i]; }
  }
}
`;
}
