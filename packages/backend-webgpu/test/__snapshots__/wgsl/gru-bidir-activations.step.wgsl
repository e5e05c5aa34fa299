
alias VT = f32;
const V = 1u;
const H = 6u;
const HV = 6u;
const HO = 6u;
const GHV = 18u;
const R = 3u;
const WG = 32u;
const XSV = 36u;
const OS = 12u;
const DS = 114u;

struct Params { T: u32, B: u32, stateRow: u32, cOff: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wp: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<VT>;
@group(0) @binding(4) var<storage, read> s0: array<f32>;
@group(0) @binding(5) var<storage, read> lens: array<u32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> sN: array<f32>;

var<workgroup> hs: array<f32, 36>;
fn w_at(i: u32) -> f32 { return w[i]; }

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

fn act_f(x: VT, dir: u32) -> VT {
  if (dir == 0u) { return safe_sigmoid(x); }
  return hard_sigmoid(VT(0.20000000298023224) * x + VT(0.5));
}
fn act_g(x: VT, dir: u32) -> VT {
  if (dir == 0u) { return softplus(x); }
  return select(x, VT(1.0) * (exp(x) - VT(1.0)), x < VT(0.0));
}

fn clip_gate(v: VT) -> VT { return v; }


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



  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * HO);
    let nxt = R * HO - cur;
    let a0 = ok0 && t < len0;
    let xi0 = (t * p.B + bc0) * 3u;
    let yo0 = (t * p.B + bc0) * OS + dir * HO;
    let a1 = ok1 && t < len1;
    let xi1 = (t * p.B + bc1) * 3u;
    let yo1 = (t * p.B + bc1) * OS + dir * HO;
    let a2 = ok2 && t < len2;
    let xi2 = (t * p.B + bc2) * 3u;
    let yo2 = (t * p.B + bc2) * OS + dir * HO;
    {
      let jv = lid + 0u * WG;
      let j = jv * V;
      if (jv < HV) {
        var xa0_0 = VT(0.0);
        var xa0_1 = VT(0.0);
        var xa0_2 = VT(0.0);
        var xa1_0 = VT(0.0);
        var xa1_1 = VT(0.0);
        var xa1_2 = VT(0.0);
        var xa2_0 = VT(0.0);
        var xa2_1 = VT(0.0);
        var xa2_2 = VT(0.0);
        for (var k = 0u; k < 3u; k++) {
          let wrow = k * XSV + dir * GHV + jv;
          let w0 = wp[wrow + 0u];
          let w1 = wp[wrow + 6u];
          let w2 = wp[wrow + 12u];
          let h0 = x[xi0 + k];
          xa0_0 += h0 * w0;
          xa0_1 += h0 * w1;
          xa0_2 += h0 * w2;
          let h1 = x[xi1 + k];
          xa1_0 += h1 * w0;
          xa1_1 += h1 * w1;
          xa1_2 += h1 * w2;
          let h2 = x[xi2 + k];
          xa2_0 += h2 * w0;
          xa2_1 += h2 * w1;
          xa2_2 += h2 * w2;
        }
        let xb0 = wp[3u * XSV + dir * GHV + 0u + jv];
        let xb1 = wp[3u * XSV + dir * GHV + 6u + jv];
        let xb2 = wp[3u * XSV + dir * GHV + 12u + jv];
        xa0_0 += xb0;
        xa0_1 += xb1;
        xa0_2 += xb2;
        xa1_0 += xb0;
        xa1_1 += xb1;
        xa1_2 += xb2;
        xa2_0 += xb0;
        xa2_1 += xb1;
        xa2_2 += xb2;
        var acc0_0 = VT(0.0);
        var acc0_1 = VT(0.0);
        var acc0_2 = VT(0.0);
        var acc1_0 = VT(0.0);
        var acc1_1 = VT(0.0);
        var acc1_2 = VT(0.0);
        var acc2_0 = VT(0.0);
        var acc2_1 = VT(0.0);
        var acc2_2 = VT(0.0);
        for (var k = 0u; k < 6u; k++) {
          let wrow = wbv + 0u + k * GHV + jv;
          let w0 = w[wrow + 0u];
          let w1 = w[wrow + 6u];
          let w2 = w[wrow + 12u];
          let h0 = hs[cur + 0u + k];
          acc0_0 += h0 * w0;
          acc0_1 += h0 * w1;
          acc0_2 += h0 * w2;
          let h1 = hs[cur + 6u + k];
          acc1_0 += h1 * w0;
          acc1_1 += h1 * w1;
          acc1_2 += h1 * w2;
          let h2 = hs[cur + 12u + k];
          acc2_0 += h2 * w0;
          acc2_1 += h2 * w1;
          acc2_2 += h2 * w2;
        }
        let bhn = w[wbv + 108u + jv];
        let hp0 = hs[cur + 0u * HO + j];
        let rg0 = act_f(clip_gate(xa0_0 + acc0_0), dir);
        let z0 = act_f(clip_gate(xa0_1 + acc0_1), dir);
        let n0 = act_g(clip_gate(xa0_2 + rg0 * (acc0_2 + bhn)), dir);
        let hn0 = (VT(1.0) - z0) * n0 + z0 * hp0;
        let keep0 = select(hs[cur + 0u * HO + j], hn0, a0);
        hs[nxt + 0u * HO + j] = keep0;
        if (ok0) { let out0 = select(VT(0.0), hn0, a0); y[yo0 + j] = out0; }
        let hp1 = hs[cur + 1u * HO + j];
        let rg1 = act_f(clip_gate(xa1_0 + acc1_0), dir);
        let z1 = act_f(clip_gate(xa1_1 + acc1_1), dir);
        let n1 = act_g(clip_gate(xa1_2 + rg1 * (acc1_2 + bhn)), dir);
        let hn1 = (VT(1.0) - z1) * n1 + z1 * hp1;
        let keep1 = select(hs[cur + 1u * HO + j], hn1, a1);
        hs[nxt + 1u * HO + j] = keep1;
        if (ok1) { let out1 = select(VT(0.0), hn1, a1); y[yo1 + j] = out1; }
        let hp2 = hs[cur + 2u * HO + j];
        let rg2 = act_f(clip_gate(xa2_0 + acc2_0), dir);
        let z2 = act_f(clip_gate(xa2_1 + acc2_1), dir);
        let n2 = act_g(clip_gate(xa2_2 + rg2 * (acc2_2 + bhn)), dir);
        let hn2 = (VT(1.0) - z2) * n2 + z2 * hp2;
        let keep2 = select(hs[cur + 2u * HO + j], hn2, a2);
        hs[nxt + 2u * HO + j] = keep2;
        if (ok2) { let out2 = select(VT(0.0), hn2, a2); y[yo2 + j] = out2; }
      }
    }


    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * HO);
  for (var i = lid; i < R * HO; i += WG) {
    let b = rowBase + i / HO;
    if (b < p.B) { sN[(srow * p.B + b) * HO + i % HO] = hs[fin + i]; }
  }

}
