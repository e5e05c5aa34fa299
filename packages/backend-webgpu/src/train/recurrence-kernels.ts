import { type RnnSpec, activationCount, directionCount, gateCount } from '@deeprnn/core';
import { TRAIN_MATH, activationPairWgsl } from './train-activations.js';
import { type TrainCell, trainCell } from './train-cells.js';

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

/** Workgroup memory words per batch row of the backward: dh twice and the step's hidden-side gate gradients. */
export function backwardWordsPerRow(spec: RnnSpec): number {
  return (2 + gateCount(spec.mode)) * spec.hiddenSize;
}

/** Rows per workgroup, threads and units per thread of the training recurrences for batch B. */
export function trainRowPlan(spec: RnnSpec, B: number): RowPlan {
  const H = spec.hiddenSize;
  // The 16 KiB (4096 words) of workgroup memory every WebGPU device offers bound the rows.
  const R = Math.max(1, Math.min(4, Math.floor(4096 / backwardWordsPerRow(spec)), B));
  // Four units per thread (vec4 weights) when H allows: each broadcast read of h then feeds four
  // multiply-adds, which matters most on CPU implementations of WebGPU (lavapipe).
  const U = H % 4 === 0 ? 4 : 1;
  return { R, threads: Math.min(256, Math.max(32, Math.ceil(H / U / 32) * 32)), U };
}

/**
 * The uniform block of both recurrences: call sizes, where the layer's weights sit, where the
 * seed gradient starts in the state buffer, and where its cell states start (LSTM).
 */
export function recurrenceUniform(T: number, B: number, stateRow: number, whh: number, bhh: number, seedOffset = 0, cellOffset = 0): Uint32Array {
  return Uint32Array.of(T, B, stateRow, whh, bhh, seedOffset, cellOffset, 0);
}

function header(spec: RnnSpec, plan: RowPlan, cell: TrainCell): string {
  const H = spec.hiddenSize;
  const D = directionCount(spec);
  const G = gateCount(spec.mode);
  const names = ['act_f', 'act_g', 'act_h'];
  const acts = Array.from({ length: activationCount(spec.mode) }, (_, i) => {
    const f = spec.activations[i]!;
    return activationPairWgsl(names[i]!, f, spec.reverseActivations[i] ?? f);
  }).join('');
  return `
alias VT = ${plan.U === 4 ? 'vec4<f32>' : 'f32'};
const U = ${plan.U}u;
const H = ${H}u;
const HU = ${H / plan.U}u;
const GH = ${G * H}u;
const GHU = ${(G * H) / plan.U}u;
const N = ${D * H}u;
const NG = ${D * G * H}u;
const RS = ${cell.slots}u;
const NR = ${D * cell.slots * H}u;
const R = ${plan.R}u;
const WG = ${plan.threads}u;
struct P { T: u32, B: u32, stateRow: u32, whh: u32, bhh: u32, seed: u32, cOff: u32, p2: u32 }
fn lane(v: VT, e: u32) -> f32 { ${plan.U === 4 ? 'return v[e];' : 'return v;'} }
${TRAIN_MATH}${acts}`;
}

/** Record slot s of unit j at row `row` (time-major t*B + b), after the T*B*N outputs. */
function recAt(row: string): (slot: number) => string {
  return (slot) => `y[recBase + (${row}) * NR + dir * RS * H + ${slot}u * H + j]`;
}

/**
 * The recording forward of one layer, both directions (workgroup (x, d) owns rows [x*R, x*R + R)
 * of direction d): each step's hidden products for every gate (W_hh^T read as [H][G*H], vec4
 * when U = 4), then the cell per unit. Writes the outputs y [T*B, D*H], then the record slots
 * the backward needs after them in the same buffer, and the final state.
 */
export function trainForwardWgsl(spec: RnnSpec, plan: RowPlan): string {
  const { R, threads, U } = plan;
  const G = gateCount(spec.mode);
  const cell = trainCell(spec);
  const isLstm = spec.mode === 'lstm';
  const wRead = U === 4 ? 'wv' : 'w';
  const bias = (g: number): string => (spec.bias ? `w[p.bhh + dir * GH + ${g}u * H + j]` : '0.0');
  const gates = Array.from({ length: G }, (_, g) => g);
  return /* wgsl */ `${header(spec, plan, cell)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;
${U === 4 ? '@group(0) @binding(7) var<storage, read> wv: array<vec4<f32>>;' : ''}
var<workgroup> hs: array<f32, ${2 * R * spec.hiddenSize}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = (p.whh + dir * H * GH) / U;
  let recBase = p.T * p.B * N;
  // Every binding is used in every variant (without bias and with vec4 weights, w would not be,
  // and a layout derived from the shader would then drop it and refuse the bind group).
  _ = w[0];
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    var v = 0.0;
    if (b < p.B) {
      let si = (srow * p.B + b) * H + i % H;
      v = s0[si];
      ${isLstm ? 'sN[p.cOff + si] = s0[p.cOff + si];' : ''}
    }
    hs[i] = v;
  }
  storageBarrier();
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * H);
    let nxt = R * H - cur;
    for (var q = lid; q < HU; q += WG) {
${rows(R, (r) => gates.map((g) => `      var acc${r}_${g} = VT(0.0);`).join('\n'))}
      for (var k = 0u; k < H; k++) {
        let wk = wb + k * GHU + q;
${gates.map((g) => `        let w${g} = ${wRead}[wk + ${g}u * HU];`).join('\n')}
${rows(R, (r) => `        let h${r} = hs[cur + ${r}u * H + k];\n${gates.map((g) => `        acc${r}_${g} += h${r} * w${g};`).join('\n')}`)}
      }
${rows(R, (r) => `      {
        let b = row0 + ${r}u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let a = ok && t < lens[bc];
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let at = (t * p.B + bc) * N + dir * H + j;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
          let hp = hs[cur + ${r}u * H + j];
${gates.map((g) => `          let x${g} = xp[xg + ${g}u * H];\n          let hh${g} = lane(acc${r}_${g}, e) + ${bias(g)};`).join('\n')}
${cell.forward(recAt('t * p.B + bc'))}
          hs[nxt + ${r}u * H + j] = select(hp, hn, a);
          if (ok) { y[at] = select(0.0, hn, a); }
        }
      }`)}
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

/** dh_{t-1} += W_hh^T gh_t for the units a thread owns (W_hh in row order [D][G*H][H]: adjacent threads read adjacent words). */
function hiddenGradProduct(R: number): string {
  return `    for (var q = lid; q < HU; q += WG) {
${rows(R, (r) => `      var acc${r} = VT(0.0);`)}
      for (var n = 0u; n < GH; n++) {
        let wv = wr[wb + n * HU + q];
${rows(R, (r) => `        acc${r} += gs[${r * 1}u * GH + n] * wv;`)}
      }
${rows(R, (r) => `      {
        let b = row0 + ${r}u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < U; e++) {
          let k = q * U + e;
          dh[nxt + ${r}u * H + k] = select(dh[cur + ${r}u * H + k], dh[nxt + ${r}u * H + k] + lane(acc${r}, e), a);
        }
      }`)}
    }`;
}

/**
 * The backward recurrence of one layer, both directions, from the last step of each direction to
 * its first. Per step: the cell's gate gradients per unit (from dy_t + dh, the record slots and
 * h_{t-1}), then dh_{t-1} = direct + W_hh^T gh_t. Steps past a row's length pass dh (and LSTM's dc)
 * through. Writes the input-side gate gradients [T*B, D*G*H] (then, for GRU, the hidden side's
 * after them), the h_{t-1} each step read (so dW_hh is one product afterwards) and the initial
 * state's gradient. s0 holds the initial states, then from word `seed` the final state's gradient
 * that seeds the walk (zeros in a trainer).
 */
export function trainBackwardWgsl(spec: RnnSpec, plan: RowPlan): string {
  const { R, threads } = plan;
  const G = gateCount(spec.mode);
  const cell = trainCell(spec);
  const isLstm = spec.mode === 'lstm';
  const gates = Array.from({ length: G }, (_, g) => g);
  const H = spec.hiddenSize;
  return /* wgsl */ `${header(spec, plan, cell)}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> wr: array<VT>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> g: array<f32>;
@group(0) @binding(7) var<storage, read_write> hp: array<f32>;
@group(0) @binding(8) var<storage, read_write> ds0: array<f32>;
var<workgroup> dh: array<f32, ${2 * R * H}>;
var<workgroup> gs: array<f32, ${R * G * H}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = dir * GH * HU;
  let recBase = p.T * p.B * N;
  let ghBase = p.T * p.B * NG;
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    var v = 0.0;
    if (b < p.B) {
      let si = (srow * p.B + b) * H + i % H;
      v = s0[p.seed + si];
      ${isLstm ? 'ds0[p.cOff + si] = s0[p.seed + p.cOff + si];' : ''}
    }
    dh[i] = v;
  }
  storageBarrier();
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
        let ci = p.cOff + (srow * p.B + bc) * H + j;
        let dhv = dy[at] + dh[cur + r * H + j];
        var first = t == 0u;
        var prev = t;
        if (dir == 0u) { if (t > 0u) { prev = t - 1u; } } else { first = t + 1u >= len; prev = min(t + 1u, p.T - 1u); }
        var hprev = s0[(srow * p.B + bc) * H + j];
        if (!first) { hprev = y[(prev * p.B + bc) * N + dir * H + j]; }
${isLstm ? `        var cprev = s0[ci];
        if (!first) { cprev = ${recAt('prev * p.B + bc')(4)}; }` : ''}
${cell.backward(recAt('t * p.B + bc'))}
${gates.map((k) => `        gs[r * GH + ${k}u * H + j] = select(0.0, gh${k}, a);`).join('\n')}
        dh[nxt + r * H + j] = direct;
        if (ok) {
          let gi = (t * p.B + bc) * NG + dir * GH + j;
${gates.map((k) => `          g[gi + ${k}u * H] = select(0.0, gx${k}, a);`).join('\n')}
${cell.splitsHiddenGrad ? gates.map((k) => `          g[ghBase + gi + ${k}u * H] = select(0.0, gh${k}, a);`).join('\n') : ''}
          hp[at] = select(0.0, hprev, a);
        }
      }
    }
    workgroupBarrier();
${hiddenGradProduct(R)}
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
