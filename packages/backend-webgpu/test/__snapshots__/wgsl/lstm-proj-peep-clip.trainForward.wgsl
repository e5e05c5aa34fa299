
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

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;
@group(0) @binding(7) var<storage, read> wv: array<vec4<f32>>;
var<workgroup> hs: array<f32, 24>;
var<workgroup> ex: array<f32, 24>;

@compute @workgroup_size(32)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = (p.whh + dir * P * GH) / U;
  let recBase = p.T * p.B * Y_RECORDS;
  // Every binding is used in every variant (without bias and with vec4 weights, w would not be,
  // and a layout derived from the shader would then drop it and refuse the bind group).
  _ = w[0];
  for (var i = lid; i < R * P; i += WG) {
    let b = row0 + i / P;
    var v = 0.0;
    if (b < p.B) { v = s0[(srow * p.B + b) * P + i % P]; }
    hs[i] = v;
  }
  for (var i = lid; i < R * H; i += WG) {
    let b = row0 + i / H;
    if (b < p.B) { let ci = p.cOff + (srow * p.B + b) * H + i % H; sN[ci] = s0[ci]; }
  }
  storageBarrier();
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * P);
    let nxt = R * P - cur;
    for (var q = lid; q < HU; q += WG) {
      var acc0_0 = VT(0.0);
      var acc0_1 = VT(0.0);
      var acc0_2 = VT(0.0);
      var acc0_3 = VT(0.0);
      var acc1_0 = VT(0.0);
      var acc1_1 = VT(0.0);
      var acc1_2 = VT(0.0);
      var acc1_3 = VT(0.0);
      var acc2_0 = VT(0.0);
      var acc2_1 = VT(0.0);
      var acc2_2 = VT(0.0);
      var acc2_3 = VT(0.0);
      for (var k = 0u; k < P; k++) {
        let wrow = wb + k * GHU + q;
        let w0 = wv[wrow + 0u * HU];
        let w1 = wv[wrow + 1u * HU];
        let w2 = wv[wrow + 2u * HU];
        let w3 = wv[wrow + 3u * HU];
        let h0 = hs[cur + 0u * P + k];
        acc0_0 += h0 * w0;
        acc0_1 += h0 * w1;
        acc0_2 += h0 * w2;
        acc0_3 += h0 * w3;
        let h1 = hs[cur + 1u * P + k];
        acc1_0 += h1 * w0;
        acc1_1 += h1 * w1;
        acc1_2 += h1 * w2;
        acc1_3 += h1 * w3;
        let h2 = hs[cur + 2u * P + k];
        acc2_0 += h2 * w0;
        acc2_1 += h2 * w1;
        acc2_2 += h2 * w2;
        acc2_3 += h2 * w3;
      }
      {
        let b = row0 + 0u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
          let pi = w[p.peep + dir * 3u * H + j];
          let pf = w[p.peep + dir * 3u * H + H + j];
          let po = w[p.peep + dir * 3u * H + 2u * H + j];
          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc0_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc0_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc0_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let x3 = xp[xg + 3u * H];
          let hh3 = lane(acc0_3, e) + w[p.bhh + dir * GH + 3u * H + j];
          let cp = sN[ci];
          let q0 = x0 + hh0 + pi * cp;
          let zi = clip_gate(q0);
          let i = act_f(zi, dir);
          let q1 = x1 + hh1 + pf * cp;
          let f = act_f(clip_gate(q1), dir);
          let q2 = x2 + hh2;
          let g = act_g(clip_gate(q2), dir);
          let cn = f * cp + i * g;
          let q3 = x3 + hh3 + po * cn;
          let o = act_f(clip_gate(q3), dir);
          let hn = o * act_h(cn, dir);
          if (a) { sN[ci] = cn; }
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = i; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = f; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = g; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = o; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 4u * H + j] = cn; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 5u * H + j] = in_clip(q0); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 6u * H + j] = in_clip(q1); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 7u * H + j] = in_clip(q2); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 8u * H + j] = in_clip(q3); }
          ex[0u * H + j] = hn;
        }
      }
      {
        let b = row0 + 1u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
          let pi = w[p.peep + dir * 3u * H + j];
          let pf = w[p.peep + dir * 3u * H + H + j];
          let po = w[p.peep + dir * 3u * H + 2u * H + j];
          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc1_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc1_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc1_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let x3 = xp[xg + 3u * H];
          let hh3 = lane(acc1_3, e) + w[p.bhh + dir * GH + 3u * H + j];
          let cp = sN[ci];
          let q0 = x0 + hh0 + pi * cp;
          let zi = clip_gate(q0);
          let i = act_f(zi, dir);
          let q1 = x1 + hh1 + pf * cp;
          let f = act_f(clip_gate(q1), dir);
          let q2 = x2 + hh2;
          let g = act_g(clip_gate(q2), dir);
          let cn = f * cp + i * g;
          let q3 = x3 + hh3 + po * cn;
          let o = act_f(clip_gate(q3), dir);
          let hn = o * act_h(cn, dir);
          if (a) { sN[ci] = cn; }
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = i; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = f; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = g; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = o; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 4u * H + j] = cn; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 5u * H + j] = in_clip(q0); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 6u * H + j] = in_clip(q1); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 7u * H + j] = in_clip(q2); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 8u * H + j] = in_clip(q3); }
          ex[1u * H + j] = hn;
        }
      }
      {
        let b = row0 + 2u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
          let pi = w[p.peep + dir * 3u * H + j];
          let pf = w[p.peep + dir * 3u * H + H + j];
          let po = w[p.peep + dir * 3u * H + 2u * H + j];
          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc2_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc2_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc2_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let x3 = xp[xg + 3u * H];
          let hh3 = lane(acc2_3, e) + w[p.bhh + dir * GH + 3u * H + j];
          let cp = sN[ci];
          let q0 = x0 + hh0 + pi * cp;
          let zi = clip_gate(q0);
          let i = act_f(zi, dir);
          let q1 = x1 + hh1 + pf * cp;
          let f = act_f(clip_gate(q1), dir);
          let q2 = x2 + hh2;
          let g = act_g(clip_gate(q2), dir);
          let cn = f * cp + i * g;
          let q3 = x3 + hh3 + po * cn;
          let o = act_f(clip_gate(q3), dir);
          let hn = o * act_h(cn, dir);
          if (a) { sN[ci] = cn; }
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = i; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = f; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = g; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = o; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 4u * H + j] = cn; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 5u * H + j] = in_clip(q0); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 6u * H + j] = in_clip(q1); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 7u * H + j] = in_clip(q2); y[recBase + (t * p.B + bc) * NR + dir * RS * H + 8u * H + j] = in_clip(q3); }
          ex[2u * H + j] = hn;
        }
      }
    }
    workgroupBarrier();
    for (var q = lid; q < P; q += WG) {
      var pr0 = 0.0;
      var pr1 = 0.0;
      var pr2 = 0.0;
      for (var k = 0u; k < H; k++) {
        let wv = w[p.whr + dir * H * P + k * P + q];
        pr0 += ex[0u * H + k] * wv;
        pr1 += ex[1u * H + k] * wv;
        pr2 += ex[2u * H + k] * wv;
      }
      {
        let b = row0 + 0u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        hs[nxt + 0u * P + q] = select(hs[cur + 0u * P + q], pr0, a);
        if (ok) { y[(t * p.B + bc) * NP + dir * P + q] = select(0.0, pr0, a); }
      }
      {
        let b = row0 + 1u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        hs[nxt + 1u * P + q] = select(hs[cur + 1u * P + q], pr1, a);
        if (ok) { y[(t * p.B + bc) * NP + dir * P + q] = select(0.0, pr1, a); }
      }
      {
        let b = row0 + 2u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        hs[nxt + 2u * P + q] = select(hs[cur + 2u * P + q], pr2, a);
        if (ok) { y[(t * p.B + bc) * NP + dir * P + q] = select(0.0, pr2, a); }
      }
    }

    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * P);
  for (var i = lid; i < R * P; i += WG) {
    let b = row0 + i / P;
    if (b < p.B) { sN[(srow * p.B + b) * P + i % P] = hs[fin + i]; }
  }
}
