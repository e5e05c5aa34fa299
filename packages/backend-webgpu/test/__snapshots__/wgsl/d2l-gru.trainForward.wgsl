
alias VT = vec4<f32>;
const U = 4u;
const H = 256u;
const HU = 64u;
const P = 256u;
const PU = 64u;
const GH = 768u;
const GHU = 192u;
const N = 256u;
const NP = 256u;
const NG = 768u;
const RS = 4u;
const NR = 1024u;
// Where a layer's record slots start in y, in words per time-major row (recurrenceGeometry).
const Y_RECORDS = 256u;
const R = 4u;
const WG = 64u;
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
fn clip_gate(v: f32) -> f32 { return v; }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xp: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;
@group(0) @binding(7) var<storage, read> wv: array<vec4<f32>>;
var<workgroup> hs: array<f32, 2048>;

@compute @workgroup_size(64)
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
      var acc1_0 = VT(0.0);
      var acc1_1 = VT(0.0);
      var acc1_2 = VT(0.0);
      var acc2_0 = VT(0.0);
      var acc2_1 = VT(0.0);
      var acc2_2 = VT(0.0);
      var acc3_0 = VT(0.0);
      var acc3_1 = VT(0.0);
      var acc3_2 = VT(0.0);
      for (var k = 0u; k < P; k++) {
        let wrow = wb + k * GHU + q;
        let w0 = wv[wrow + 0u * HU];
        let w1 = wv[wrow + 1u * HU];
        let w2 = wv[wrow + 2u * HU];
        let h0 = hs[cur + 0u * P + k];
        acc0_0 += h0 * w0;
        acc0_1 += h0 * w1;
        acc0_2 += h0 * w2;
        let h1 = hs[cur + 1u * P + k];
        acc1_0 += h1 * w0;
        acc1_1 += h1 * w1;
        acc1_2 += h1 * w2;
        let h2 = hs[cur + 2u * P + k];
        acc2_0 += h2 * w0;
        acc2_1 += h2 * w1;
        acc2_2 += h2 * w2;
        let h3 = hs[cur + 3u * P + k];
        acc3_0 += h3 * w0;
        acc3_1 += h3 * w1;
        acc3_2 += h3 * w2;
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

          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc0_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc0_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc0_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let hp = hs[cur + 0u * P + j];
          let q0 = x0 + hh0;
          let rg = act_f(clip_gate(q0), dir);
          let q1 = x1 + hh1;
          let z = act_f(clip_gate(q1), dir);
          let q2 = x2 + rg * hh2;
          let n = act_g(clip_gate(q2), dir);
          let hn = (1.0 - z) * n + z * hp;
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = rg; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = z; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = n; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = hh2; }
          hs[nxt + 0u * P + j] = select(hs[cur + 0u * P + j], hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }
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

          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc1_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc1_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc1_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let hp = hs[cur + 1u * P + j];
          let q0 = x0 + hh0;
          let rg = act_f(clip_gate(q0), dir);
          let q1 = x1 + hh1;
          let z = act_f(clip_gate(q1), dir);
          let q2 = x2 + rg * hh2;
          let n = act_g(clip_gate(q2), dir);
          let hn = (1.0 - z) * n + z * hp;
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = rg; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = z; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = n; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = hh2; }
          hs[nxt + 1u * P + j] = select(hs[cur + 1u * P + j], hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }
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

          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc2_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc2_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc2_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let hp = hs[cur + 2u * P + j];
          let q0 = x0 + hh0;
          let rg = act_f(clip_gate(q0), dir);
          let q1 = x1 + hh1;
          let z = act_f(clip_gate(q1), dir);
          let q2 = x2 + rg * hh2;
          let n = act_g(clip_gate(q2), dir);
          let hn = (1.0 - z) * n + z * hp;
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = rg; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = z; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = n; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = hh2; }
          hs[nxt + 2u * P + j] = select(hs[cur + 2u * P + j], hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }
        }
      }
      {
        let b = row0 + 3u;
        let ok = b < p.B;
        let bc = min(b, p.B - 1u);
        let len = lens[bc];
        let a = ok && t < len;
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;

          let x0 = xp[xg + 0u * H];
          let hh0 = lane(acc3_0, e) + w[p.bhh + dir * GH + 0u * H + j];
          let x1 = xp[xg + 1u * H];
          let hh1 = lane(acc3_1, e) + w[p.bhh + dir * GH + 1u * H + j];
          let x2 = xp[xg + 2u * H];
          let hh2 = lane(acc3_2, e) + w[p.bhh + dir * GH + 2u * H + j];
          let hp = hs[cur + 3u * P + j];
          let q0 = x0 + hh0;
          let rg = act_f(clip_gate(q0), dir);
          let q1 = x1 + hh1;
          let z = act_f(clip_gate(q1), dir);
          let q2 = x2 + rg * hh2;
          let n = act_g(clip_gate(q2), dir);
          let hn = (1.0 - z) * n + z * hp;
          if (a) { y[recBase + (t * p.B + bc) * NR + dir * RS * H + 0u * H + j] = rg; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 1u * H + j] = z; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 2u * H + j] = n; y[recBase + (t * p.B + bc) * NR + dir * RS * H + 3u * H + j] = hh2; }
          hs[nxt + 3u * P + j] = select(hs[cur + 3u * P + j], hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }
        }
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
