
enable f16;
alias VT = vec4<f32>;
const V = 4u;
const H = 8u;
const HV = 2u;
const HO = 4u;
const GHV = 8u;
const R = 3u;
const WG = 32u;
const XSV = 8u;
const OS = 4u;
const DS = 184u;

struct Params { T: u32, B: u32, stateRow: u32, cOff: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wp: array<vec4<f16>>;
@group(0) @binding(3) var<storage, read> w: array<vec4<f16>>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> sN: array<f32>;

var<workgroup> hs: array<f32, 24>;
var<workgroup> ex: array<f32, 24>;
fn w_at(i: u32) -> f32 { return f32(w[i >> 2u][i & 3u]); }

fn safe_tanh(x: VT) -> VT {
  let a = abs(x);
  // Near 0 the exp form loses relative precision; the odd Taylor series to x^7 is exact in f32 there.
  let x2 = x * x;
  let poly = x * (VT(1.0) + x2 * (VT(-0.33333334) + x2 * (VT(0.13333334) + x2 * VT(-0.053968254))));
  let e = exp(VT(-2.0) * a);
  let t = (VT(1.0) - e) / (VT(1.0) + e);
  return select(select(-t, t, x >= VT(0.0)), poly, a < VT(0.125));
}
fn safe_sigmoid(x: VT) -> VT {
  let e = exp(-abs(x));
  let s = VT(1.0) / (VT(1.0) + e);
  return select(e * s, s, x >= VT(0.0));
}
fn hard_sigmoid(v: VT) -> VT {
  return select(select(v, VT(1.0), v > VT(1.0)), VT(0.0), v < VT(0.0));
}
fn softplus(x: VT) -> VT {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow. max(x, 0) keeps x unless x < 0,
  // so NaN passes through the sum whatever exp(NaN) gives (SwiftShader's is +Inf).
  return select(x, VT(0.0), x < VT(0.0)) + log(VT(1.0) + exp(-abs(x)));
}

fn act_f(x: VT, dir: u32) -> VT { return safe_sigmoid(x); }
fn act_g(x: VT, dir: u32) -> VT { return safe_tanh(x); }
fn act_h(x: VT, dir: u32) -> VT { return safe_tanh(x); }

fn clip_gate(v: VT) -> VT { return select(select(v, VT(0.5), v > VT(0.5)), -VT(0.5), v < -VT(0.5)); }


@compute @workgroup_size(32)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let rowBase = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = dir * DS;
  let wbv = wb / V;
  let b0 = rowBase + 0u;
  let ok0 = b0 < p.B;
  let bc0 = min(b0, p.B - 1u);
  let len0 = select(0u, lens[bc0], ok0);
  let b1 = rowBase + 1u;
  let ok1 = b1 < p.B;
  let bc1 = min(b1, p.B - 1u);
  let len1 = select(0u, lens[bc1], ok1);
  let b2 = rowBase + 2u;
  let ok2 = b2 < p.B;
  let bc2 = min(b2, p.B - 1u);
  let len2 = select(0u, lens[bc2], ok2);
  for (var i = lid; i < R * HO; i += WG) {
    let b = rowBase + i / HO;
    var v = 0.0;
    if (b < p.B) { v = s0[(srow * p.B + b) * HO + i % HO]; }
    hs[i] = v;
  }
  var c0_0 = VT(0.0);
  var c0_1 = VT(0.0);
  var c0_2 = VT(0.0);

    {
      let jv = lid + 0u * WG;
      let j = jv * V;
      if (jv < HV) {
        if (ok0) { c0_0 = VT(s0[p.cOff + (srow * p.B + b0) * H + j], s0[p.cOff + (srow * p.B + b0) * H + j + 1u], s0[p.cOff + (srow * p.B + b0) * H + j + 2u], s0[p.cOff + (srow * p.B + b0) * H + j + 3u]); }
        if (ok1) { c0_1 = VT(s0[p.cOff + (srow * p.B + b1) * H + j], s0[p.cOff + (srow * p.B + b1) * H + j + 1u], s0[p.cOff + (srow * p.B + b1) * H + j + 2u], s0[p.cOff + (srow * p.B + b1) * H + j + 3u]); }
        if (ok2) { c0_2 = VT(s0[p.cOff + (srow * p.B + b2) * H + j], s0[p.cOff + (srow * p.B + b2) * H + j + 1u], s0[p.cOff + (srow * p.B + b2) * H + j + 2u], s0[p.cOff + (srow * p.B + b2) * H + j + 3u]); }
      }
    }
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * HO);
    let nxt = R * HO - cur;
    let a0 = ok0 && t < len0;
    let xi0 = (t * p.B + bc0) * 4u;
    let yo0 = (t * p.B + bc0) * OS + dir * HO;
    let a1 = ok1 && t < len1;
    let xi1 = (t * p.B + bc1) * 4u;
    let yo1 = (t * p.B + bc1) * OS + dir * HO;
    let a2 = ok2 && t < len2;
    let xi2 = (t * p.B + bc2) * 4u;
    let yo2 = (t * p.B + bc2) * OS + dir * HO;
    {
      let jv = lid + 0u * WG;
      let j = jv * V;
      if (jv < HV) {
        var xa0_0 = VT(0.0);
        var xa0_1 = VT(0.0);
        var xa0_2 = VT(0.0);
        var xa0_3 = VT(0.0);
        var xa1_0 = VT(0.0);
        var xa1_1 = VT(0.0);
        var xa1_2 = VT(0.0);
        var xa1_3 = VT(0.0);
        var xa2_0 = VT(0.0);
        var xa2_1 = VT(0.0);
        var xa2_2 = VT(0.0);
        var xa2_3 = VT(0.0);
        for (var k = 0u; k < 4u; k++) {
          let wrow = k * XSV + dir * GHV + jv;
          let w0 = VT(wp[wrow + 0u]);
          let w1 = VT(wp[wrow + 2u]);
          let w2 = VT(wp[wrow + 4u]);
          let w3 = VT(wp[wrow + 6u]);
          let h0 = x[xi0 + k];
          xa0_0 += h0 * w0;
          xa0_1 += h0 * w1;
          xa0_2 += h0 * w2;
          xa0_3 += h0 * w3;
          let h1 = x[xi1 + k];
          xa1_0 += h1 * w0;
          xa1_1 += h1 * w1;
          xa1_2 += h1 * w2;
          xa1_3 += h1 * w3;
          let h2 = x[xi2 + k];
          xa2_0 += h2 * w0;
          xa2_1 += h2 * w1;
          xa2_2 += h2 * w2;
          xa2_3 += h2 * w3;
        }
        let xb0 = VT(wp[4u * XSV + dir * GHV + 0u + jv]) + VT(wp[5u * XSV + dir * GHV + 0u + jv]);
        let xb1 = VT(wp[4u * XSV + dir * GHV + 2u + jv]) + VT(wp[5u * XSV + dir * GHV + 2u + jv]);
        let xb2 = VT(wp[4u * XSV + dir * GHV + 4u + jv]) + VT(wp[5u * XSV + dir * GHV + 4u + jv]);
        let xb3 = VT(wp[4u * XSV + dir * GHV + 6u + jv]) + VT(wp[5u * XSV + dir * GHV + 6u + jv]);
        xa0_0 += xb0;
        xa0_1 += xb1;
        xa0_2 += xb2;
        xa0_3 += xb3;
        xa1_0 += xb0;
        xa1_1 += xb1;
        xa1_2 += xb2;
        xa1_3 += xb3;
        xa2_0 += xb0;
        xa2_1 += xb1;
        xa2_2 += xb2;
        xa2_3 += xb3;
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
        for (var k = 0u; k < 4u; k++) {
          let wrow = wbv + 0u + k * GHV + jv;
          let w0 = VT(w[wrow + 0u]);
          let w1 = VT(w[wrow + 2u]);
          let w2 = VT(w[wrow + 4u]);
          let w3 = VT(w[wrow + 6u]);
          let h0 = hs[cur + 0u + k];
          acc0_0 += h0 * w0;
          acc0_1 += h0 * w1;
          acc0_2 += h0 * w2;
          acc0_3 += h0 * w3;
          let h1 = hs[cur + 4u + k];
          acc1_0 += h1 * w0;
          acc1_1 += h1 * w1;
          acc1_2 += h1 * w2;
          acc1_3 += h1 * w3;
          let h2 = hs[cur + 8u + k];
          acc2_0 += h2 * w0;
          acc2_1 += h2 * w1;
          acc2_2 += h2 * w2;
          acc2_3 += h2 * w3;
        }
        let pi = VT(w[wbv + 32u + jv]);
        let pf = VT(w[wbv + 32u + HV + jv]);
        let po = VT(w[wbv + 32u + 2u * HV + jv]);
        let cp0 = c0_0;
        let zi0 = clip_gate(xa0_0 + acc0_0 + pi * cp0);
        let i0 = act_f(zi0, dir);
        let f0 = act_f(clip_gate(xa0_1 + acc0_1 + pf * cp0), dir);
        let g0 = act_g(clip_gate(xa0_2 + acc0_2), dir);
        let cn0 = f0 * cp0 + i0 * g0;
        let o0 = act_f(clip_gate(xa0_3 + acc0_3 + po * cn0), dir);
        let hn0 = o0 * act_h(cn0, dir);
        c0_0 = select(cp0, cn0, a0);
        ex[0u * H + j] = (hn0)[0]; ex[0u * H + j + 1u] = (hn0)[1]; ex[0u * H + j + 2u] = (hn0)[2]; ex[0u * H + j + 3u] = (hn0)[3];
        let cp1 = c0_1;
        let zi1 = clip_gate(xa1_0 + acc1_0 + pi * cp1);
        let i1 = act_f(zi1, dir);
        let f1 = act_f(clip_gate(xa1_1 + acc1_1 + pf * cp1), dir);
        let g1 = act_g(clip_gate(xa1_2 + acc1_2), dir);
        let cn1 = f1 * cp1 + i1 * g1;
        let o1 = act_f(clip_gate(xa1_3 + acc1_3 + po * cn1), dir);
        let hn1 = o1 * act_h(cn1, dir);
        c0_1 = select(cp1, cn1, a1);
        ex[1u * H + j] = (hn1)[0]; ex[1u * H + j + 1u] = (hn1)[1]; ex[1u * H + j + 2u] = (hn1)[2]; ex[1u * H + j + 3u] = (hn1)[3];
        let cp2 = c0_2;
        let zi2 = clip_gate(xa2_0 + acc2_0 + pi * cp2);
        let i2 = act_f(zi2, dir);
        let f2 = act_f(clip_gate(xa2_1 + acc2_1 + pf * cp2), dir);
        let g2 = act_g(clip_gate(xa2_2 + acc2_2), dir);
        let cn2 = f2 * cp2 + i2 * g2;
        let o2 = act_f(clip_gate(xa2_3 + acc2_3 + po * cn2), dir);
        let hn2 = o2 * act_h(cn2, dir);
        c0_2 = select(cp2, cn2, a2);
        ex[2u * H + j] = (hn2)[0]; ex[2u * H + j + 1u] = (hn2)[1]; ex[2u * H + j + 2u] = (hn2)[2]; ex[2u * H + j + 3u] = (hn2)[3];
      }
    }

    workgroupBarrier();
    for (var q = lid; q < HO; q += WG) {
      var pr0 = 0.0;
      var pr1 = 0.0;
      var pr2 = 0.0;
      for (var k = 0u; k < H; k++) {
        let wv = w_at(wb + 152u + k * HO + q);
        pr0 += ex[0u * H + k] * wv;
        pr1 += ex[1u * H + k] * wv;
        pr2 += ex[2u * H + k] * wv;
      }
      hs[nxt + 0u * HO + q] = select(hs[cur + 0u * HO + q], pr0, a0);
      if (ok0) { y[yo0 + q] = select(0.0, pr0, a0); }
      hs[nxt + 1u * HO + q] = select(hs[cur + 1u * HO + q], pr1, a1);
      if (ok1) { y[yo1 + q] = select(0.0, pr1, a1); }
      hs[nxt + 2u * HO + q] = select(hs[cur + 2u * HO + q], pr2, a2);
      if (ok2) { y[yo2 + q] = select(0.0, pr2, a2); }
    }
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * HO);
  for (var i = lid; i < R * HO; i += WG) {
    let b = rowBase + i / HO;
    if (b < p.B) { sN[(srow * p.B + b) * HO + i % HO] = hs[fin + i]; }
  }
    {
      let jv = lid + 0u * WG;
      let j = jv * V;
      if (jv < HV) {
        if (ok0) { sN[p.cOff + (srow * p.B + b0) * H + j] = (c0_0)[0]; sN[p.cOff + (srow * p.B + b0) * H + j + 1u] = (c0_0)[1]; sN[p.cOff + (srow * p.B + b0) * H + j + 2u] = (c0_0)[2]; sN[p.cOff + (srow * p.B + b0) * H + j + 3u] = (c0_0)[3]; }
        if (ok1) { sN[p.cOff + (srow * p.B + b1) * H + j] = (c0_1)[0]; sN[p.cOff + (srow * p.B + b1) * H + j + 1u] = (c0_1)[1]; sN[p.cOff + (srow * p.B + b1) * H + j + 2u] = (c0_1)[2]; sN[p.cOff + (srow * p.B + b1) * H + j + 3u] = (c0_1)[3]; }
        if (ok2) { sN[p.cOff + (srow * p.B + b2) * H + j] = (c0_2)[0]; sN[p.cOff + (srow * p.B + b2) * H + j + 1u] = (c0_2)[1]; sN[p.cOff + (srow * p.B + b2) * H + j + 2u] = (c0_2)[2]; sN[p.cOff + (srow * p.B + b2) * H + j + 3u] = (c0_2)[3]; }
      }
    }
}
