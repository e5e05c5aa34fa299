
alias VT = vec4<f32>;
const U = 4u;
const H = 8u;
const HU = 2u;
const P = 4u;
const PU = 1u;
const GH = 32u;
const GHU = 8u;
const N = 8u;
const NP = 4u;
const NG = 32u;
const RS = 9u;
const NR = 72u;
// Where a layer's record slots start in y, in words per time-major row (recurrenceGeometry).
const Y_RECORDS = 4u;
const R = 3u;
const WG = 32u;
struct Params { T: u32, B: u32, stateRow: u32, whh: u32, bhh: u32, seed: u32, cOff: u32, whr: u32, peep: u32, p0: u32, p1: u32, p2: u32 }
fn lane(v: VT, e: u32) -> f32 { return v[e]; }

fn t_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.125) {
    // Near 0 the exp form loses relative precision; the odd Taylor series to x^7 is exact in f32 here.
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333334 + x2 * (0.13333334 + x2 * -0.053968254)));
  }
  let e = exp(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
fn t_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let s = 1.0 / (1.0 + e);
  return select(e * s, s, x >= 0.0);
}
fn t_softplus(x: f32) -> f32 {
  // max(x, 0) keeps x unless x < 0: NaN propagates whatever exp(NaN) gives (SwiftShader's is +Inf).
  return select(x, 0.0, x < 0.0) + log(1.0 + exp(-abs(x)));
}

fn act_f(x: f32, dir: u32) -> f32 { return t_sigmoid(x); }
fn dact_f(y: f32, dir: u32) -> f32 {
  if (dir == 0u) { return (y * (1.0 - y)); }
  return (y * (1.0 - y));
}
fn act_g(x: f32, dir: u32) -> f32 { return t_tanh(x); }
fn dact_g(y: f32, dir: u32) -> f32 {
  if (dir == 0u) { return (1.0 - y * y); }
  return (1.0 - y * y);
}
fn act_h(x: f32, dir: u32) -> f32 { return t_tanh(x); }
fn dact_h(y: f32, dir: u32) -> f32 {
  if (dir == 0u) { return (1.0 - y * y); }
  return (1.0 - y * y);
}
fn clip_gate(v: f32) -> f32 { return select(select(v, (0.5), v > (0.5)), -(0.5), v < -(0.5)); }
fn in_clip(v: f32) -> f32 { return select(0.0, 1.0, abs(v) <= (0.5)); }

// Regions of wr (words) and of hp and g (words per time-major row), from recurrenceGeometry: the host
// sizes and reads the same buffers with the same numbers.
const WR_WHR = 128u;
const WR_PEEP = 160u;
const HP_DH = 4u;
const HP_M = 8u;
const HP_RH = 4u;
const HP_PEEP = 16u;
const GATES_HIDDEN = 0u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> wr: array<VT>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> g: array<f32>;
@group(0) @binding(7) var<storage, read_write> hp: array<f32>;
@group(0) @binding(8) var<storage, read_write> ds0: array<f32>;
var<workgroup> dh: array<f32, 24>;
var<workgroup> gs: array<f32, 96>;
var<workgroup> dhp: array<f32, 12>;
fn wr_at(i: u32) -> f32 { return wr[i >> 2u][i & 3u]; }

@compute @workgroup_size(32)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = dir * GH * PU;
  let recBase = p.T * p.B * Y_RECORDS;
  let ghBase = p.T * p.B * GATES_HIDDEN;
  for (var i = lid; i < R * P; i += WG) {
    let b = row0 + i / P;
    var v = 0.0;
    if (b < p.B) { v = s0[p.seed + (srow * p.B + b) * P + i % P]; }
    dh[i] = v;
  }
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    if (b < p.B) { let ci = p.cOff + (srow * p.B + b) * H + i % H; ds0[ci] = s0[p.seed + ci]; }
  }
  storageBarrier();
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(p.T - 1u - s, s, dir == 1u);
    let cur = (s & 1u) * (R * P);
    let nxt = R * P - cur;
    for (var q = lid; q < P; q += WG) {
      for (var r = 0u; r < R; r++) {
        let b = row0 + r;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        let at = (t * p.B + bc) * NP + dir * P + q;
        let dhv = dy[at] + dh[cur + r * P + q];
        dhp[r * P + q] = select(0.0, dhv, a);
        dh[nxt + r * P + q] = 0.0;
        var first = t == 0u;
        var prev = t;
        if (dir == 0u) { if (t > 0u) { prev = t - 1u; } } else { first = t + 1u >= len; prev = min(t + 1u, p.T - 1u); }
        var hprev = s0[(srow * p.B + bc) * P + q];
        if (!first) { hprev = y[(prev * p.B + bc) * NP + dir * P + q]; }
        if (ok) {
          hp[at] = select(0.0, hprev, a);
          hp[p.T * p.B * HP_DH + at] = select(0.0, dhv, a);
        }
      }
    }
    workgroupBarrier();
    for (var j = lid; j < H; j += WG) {
      for (var r = 0u; r < R; r++) {
        let b = row0 + r;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        let ci = p.cOff + (srow * p.B + bc) * H + j;
        var dhv = 0.0;
        let wh = WR_WHR + dir * H * P + j * P;
        for (var q = 0u; q < P; q++) { dhv += dhp[r * P + q] * wr_at(wh + q); }
        var first = t == 0u;
        var prev = t;
        if (dir == 0u) { if (t > 0u) { prev = t - 1u; } } else { first = t + 1u >= len; prev = min(t + 1u, p.T - 1u); }
        var cprev = s0[ci];
        if (!first) { cprev = y[recBase + (prev * p.B + bc) * NR + dir * RS * H + 4u * H + j]; }
        let pi = wr_at(WR_PEEP + dir * 3u * H + j);
        let pf = wr_at(WR_PEEP + dir * 3u * H + H + j);
        let po = wr_at(WR_PEEP + dir * 3u * H + 2u * H + j);
          let ig = y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j];
          let fg = y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j];
          let gg = y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j];
          let og = y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j];
          let cn = y[recBase + (t * p.B + bc) * NR + dir * RS * H + 4u * H + j];
          let tc = act_h(cn, dir);
          let gx3 = dhv * tc * dact_f(og, dir) * y[recBase + (t * p.B + bc) * NR + dir * RS * H + 8u * H + j];
          let dct = ds0[ci] + dhv * og * dact_h(tc, dir) + gx3 * po;
          let gx0 = dct * gg * dact_f(ig, dir) * y[recBase + (t * p.B + bc) * NR + dir * RS * H + 5u * H + j];
          let gx1 = dct * cprev * dact_f(fg, dir) * y[recBase + (t * p.B + bc) * NR + dir * RS * H + 6u * H + j];
          let gx2 = dct * ig * dact_g(gg, dir) * y[recBase + (t * p.B + bc) * NR + dir * RS * H + 7u * H + j];
          let m = og * tc;
          if (a) { ds0[ci] = dct * fg + gx0 * pi + gx1 * pf; }
          let gh0 = gx0;
          let gh1 = gx1;
          let gh2 = gx2;
          let gh3 = gx3;
          let direct = 0.0;
        gs[r * GH + 0u * H + j] = select(0.0, gh0, a);
        gs[r * GH + 1u * H + j] = select(0.0, gh1, a);
        gs[r * GH + 2u * H + j] = select(0.0, gh2, a);
        gs[r * GH + 3u * H + j] = select(0.0, gh3, a);

        if (ok) {
          let gi = (t * p.B + bc) * NG + dir * GH + j;
          g[gi + 0u * H] = select(0.0, gx0, a);
          g[gi + 1u * H] = select(0.0, gx1, a);
          g[gi + 2u * H] = select(0.0, gx2, a);
          g[gi + 3u * H] = select(0.0, gx3, a);

          hp[p.T * p.B * HP_M + (t * p.B + bc) * N + dir * H + j] = select(0.0, m, a);
          let pk = p.T * p.B * HP_PEEP + (t * p.B + bc) * 3u * N + dir * 3u * H + j;
          hp[pk] = select(0.0, gx0 * cprev, a);
          hp[pk + H] = select(0.0, gx1 * cprev, a);
          hp[pk + 2u * H] = select(0.0, gx3 * cn, a);
        }
      }
    }
    workgroupBarrier();

    for (var q = lid; q < PU; q += WG) {
      var acc0 = VT(0.0);
      var acc1 = VT(0.0);
      var acc2 = VT(0.0);
      for (var n = 0u; n < GH; n++) {
        let wv = wr[wb + n * PU + q];
        acc0 += gs[0u * GH + n] * wv;
        acc1 += gs[1u * GH + n] * wv;
        acc2 += gs[2u * GH + n] * wv;
      }
      {
        let b = row0 + 0u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < U; e++) {
          let k = q * U + e;
          dh[nxt + 0u * P + k] = select(dh[cur + 0u * P + k], dh[nxt + 0u * P + k] + lane(acc0, e), a);
        }
      }
      {
        let b = row0 + 1u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < U; e++) {
          let k = q * U + e;
          dh[nxt + 1u * P + k] = select(dh[cur + 1u * P + k], dh[nxt + 1u * P + k] + lane(acc1, e), a);
        }
      }
      {
        let b = row0 + 2u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < U; e++) {
          let k = q * U + e;
          dh[nxt + 2u * P + k] = select(dh[cur + 2u * P + k], dh[nxt + 2u * P + k] + lane(acc2, e), a);
        }
      }
    }
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * P);
  for (var i = lid; i < R * P; i += WG) {
    let b = row0 + i / P;
    if (b < p.B) { ds0[(srow * p.B + b) * P + i % P] = dh[fin + i]; }
  }
}
