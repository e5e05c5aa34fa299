import type { RnnSpec } from '@deeprnn/core';
import { activationPairWgsl } from './train-activations.js';

/** Rows per workgroup and threads of the training recurrences for hidden size H and batch B. */
export function trainRowPlan(H: number, B: number): { R: number; threads: number } {
  // The backward keeps dh twice and the step's gate gradients: 3 R H words of the 16 KiB default.
  const R = Math.max(1, Math.min(4, Math.floor(4096 / (3 * H)), B));
  return { R, threads: Math.min(256, Math.max(32, Math.ceil(H / 32) * 32)) };
}

function activationPair(spec: RnnSpec): string {
  const fwd = spec.activations[0]!;
  return activationPairWgsl(fwd, spec.reverseActivations[0] ?? fwd);
}

/** The uniform block of both recurrences: call sizes and where the layer's weights sit. */
export function recurrenceUniform(T: number, B: number, stateRow: number, whh: number, bhh: number, seedOffset = 0): Uint32Array {
  return Uint32Array.of(T, B, stateRow, whh, bhh, seedOffset, 0, 0);
}

function header(spec: RnnSpec, R: number, threads: number): string {
  const H = spec.hiddenSize;
  const D = spec.bidirectional ? 2 : 1;
  return `
const H = ${H}u;
const N = ${D * H}u;
const R = ${R}u;
const WG = ${threads}u;
const HAS_BIAS = ${spec.bias};
struct P { T: u32, B: u32, stateRow: u32, whh: u32, bhh: u32, seed: u32, p1: u32, p2: u32 }
${activationPair(spec)}`;
}

/**
 * The recording forward of one plain-RNN layer, both directions (workgroup (x, d) owns rows
 * [x*R, x*R + R) of direction d): h_t = act(xp_t + b_hh + W_hh h_{t-1}), with xp = X W_ih^T + b_ih
 * from the product before it. Its outputs y are all the backward needs.
 */
export function rnnForwardWgsl(spec: RnnSpec, R: number, threads: number): string {
  return /* wgsl */ `${header(spec, R, threads)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;
var<workgroup> hs: array<f32, ${2 * R * spec.hiddenSize}>;

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
    for (var j = lid; j < H; j += WG) {
      var acc: array<f32, ${R}>;
      for (var r = 0u; r < R; r++) { acc[r] = 0.0; } // zeroed each step: a declaration in a loop is not re-zeroed on every driver
      for (var k = 0u; k < H; k++) {
        let wv = w[wb + k * H + j];
        for (var r = 0u; r < R; r++) { acc[r] += hs[cur + r * H + k] * wv; }
      }
      var bh = 0.0;
      if (HAS_BIAS) { bh = w[p.bhh + dir * H + j]; }
      for (var r = 0u; r < R; r++) {
        let b = row0 + r;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let a = ok && t < lens[bc];
        let at = (t * p.B + bc) * N + dir * H + j;
        let hn = act(xp[at] + bh + acc[r], dir);
        hs[nxt + r * H + j] = select(hs[cur + r * H + j], hn, a);
        if (ok) { y[at] = select(0.0, hn, a); }
      }
    }
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

/**
 * The backward recurrence of one plain-RNN layer, both directions, from the last step of each
 * direction to its first: g_t = (dy_t + dh) act'(y_t), dh <- W_hh^T g_t (steps past a row's length
 * pass dh through; W_hh is read in row order from a copy made just before, so adjacent threads
 * read adjacent words). Writes g (the gate gradients [T*B, D*H]), the h_{t-1} each step read (so dW_hh
 * is one product afterwards) and dh_0, the initial state's gradient. s0 holds the initial states, then (from word
 * `seed`) the final state's gradient that seeds dh (zeros in a trainer).
 */
export function rnnBackwardWgsl(spec: RnnSpec, R: number, threads: number): string {
  return /* wgsl */ `${header(spec, R, threads)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> g: array<f32>;
@group(0) @binding(7) var<storage, read_write> hp: array<f32>;
@group(0) @binding(8) var<storage, read_write> ds0: array<f32>;
var<workgroup> dh: array<f32, ${2 * R * spec.hiddenSize}>;
var<workgroup> gs: array<f32, ${R * spec.hiddenSize}>;

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
    for (var k = lid; k < H; k += WG) {
      var acc: array<f32, ${R}>;
      for (var r = 0u; r < R; r++) { acc[r] = 0.0; } // zeroed each step: a declaration in a loop is not re-zeroed on every driver
      for (var j = 0u; j < H; j++) {
        let wv = w[wb + j * H + k];
        for (var r = 0u; r < R; r++) { acc[r] += gs[r * H + j] * wv; }
      }
      for (var r = 0u; r < R; r++) {
        let b = row0 + r;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        dh[nxt + r * H + k] = select(dh[cur + r * H + k], acc[r], a);
      }
    }
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
