
enable f16;
alias VT = vec4<f32>;
const V = 4u;
const H = 256u;
const HV = 64u;
const HO = 256u;
const GHV = 192u;
const R = 4u;
const WG = 64u;
const XSV = 192u;
const OS = 256u;
const DS = 196864u;

struct Params { T: u32, B: u32, stateRow: u32, cOff: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xp: array<VT>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f16>>;
@group(0) @binding(3) var<storage, read> s0: array<f32>;
@group(0) @binding(4) var<storage, read> lens: array<u32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> sN: array<f32>;

var<workgroup> hs: array<f32, 2048>;
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

fn clip_gate(v: VT) -> VT { return v; }


@compute @workgroup_size(64)
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
  let b3 = rowBase + 3u;
  let ok3 = b3 < p.B;
  let bc3 = min(b3, p.B - 1u);
  let len3 = select(0u, lens[bc3], ok3);
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
    let xo0 = (t * p.B + bc0) * XSV + dir * GHV;
    let yo0 = (t * p.B + bc0) * OS + dir * HO;
    let a1 = ok1 && t < len1;
    let xo1 = (t * p.B + bc1) * XSV + dir * GHV;
    let yo1 = (t * p.B + bc1) * OS + dir * HO;
    let a2 = ok2 && t < len2;
    let xo2 = (t * p.B + bc2) * XSV + dir * GHV;
    let yo2 = (t * p.B + bc2) * OS + dir * HO;
    let a3 = ok3 && t < len3;
    let xo3 = (t * p.B + bc3) * XSV + dir * GHV;
    let yo3 = (t * p.B + bc3) * OS + dir * HO;
    {
      let jv = lid + 0u * WG;
      let j = jv * V;
      {
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
        for (var k = 0u; k < 256u; k++) {
          let wrow = wbv + 0u + k * GHV + jv;
          let w0 = VT(w[wrow + 0u]);
          let w1 = VT(w[wrow + 64u]);
          let w2 = VT(w[wrow + 128u]);
          let h0 = hs[cur + 0u + k];
          acc0_0 += h0 * w0;
          acc0_1 += h0 * w1;
          acc0_2 += h0 * w2;
          let h1 = hs[cur + 256u + k];
          acc1_0 += h1 * w0;
          acc1_1 += h1 * w1;
          acc1_2 += h1 * w2;
          let h2 = hs[cur + 512u + k];
          acc2_0 += h2 * w0;
          acc2_1 += h2 * w1;
          acc2_2 += h2 * w2;
          let h3 = hs[cur + 768u + k];
          acc3_0 += h3 * w0;
          acc3_1 += h3 * w1;
          acc3_2 += h3 * w2;
        }
        let bhn = VT(w[wbv + 49152u + jv]);
        let hp0 = VT(hs[cur + 0u * HO + j], hs[cur + 0u * HO + j + 1u], hs[cur + 0u * HO + j + 2u], hs[cur + 0u * HO + j + 3u]);
        let rg0 = act_f(clip_gate(xp[xo0 + 0u + jv] + acc0_0), dir);
        let z0 = act_f(clip_gate(xp[xo0 + 64u + jv] + acc0_1), dir);
        let n0 = act_g(clip_gate(xp[xo0 + 128u + jv] + rg0 * (acc0_2 + bhn)), dir);
        let hn0 = (VT(1.0) - z0) * n0 + z0 * hp0;
        let keep0 = select(VT(hs[cur + 0u * HO + j], hs[cur + 0u * HO + j + 1u], hs[cur + 0u * HO + j + 2u], hs[cur + 0u * HO + j + 3u]), hn0, a0);
        hs[nxt + 0u * HO + j] = (keep0)[0]; hs[nxt + 0u * HO + j + 1u] = (keep0)[1]; hs[nxt + 0u * HO + j + 2u] = (keep0)[2]; hs[nxt + 0u * HO + j + 3u] = (keep0)[3];
        if (ok0) { let out0 = select(VT(0.0), hn0, a0); y[yo0 + j] = (out0)[0]; y[yo0 + j + 1u] = (out0)[1]; y[yo0 + j + 2u] = (out0)[2]; y[yo0 + j + 3u] = (out0)[3]; }
        let hp1 = VT(hs[cur + 1u * HO + j], hs[cur + 1u * HO + j + 1u], hs[cur + 1u * HO + j + 2u], hs[cur + 1u * HO + j + 3u]);
        let rg1 = act_f(clip_gate(xp[xo1 + 0u + jv] + acc1_0), dir);
        let z1 = act_f(clip_gate(xp[xo1 + 64u + jv] + acc1_1), dir);
        let n1 = act_g(clip_gate(xp[xo1 + 128u + jv] + rg1 * (acc1_2 + bhn)), dir);
        let hn1 = (VT(1.0) - z1) * n1 + z1 * hp1;
        let keep1 = select(VT(hs[cur + 1u * HO + j], hs[cur + 1u * HO + j + 1u], hs[cur + 1u * HO + j + 2u], hs[cur + 1u * HO + j + 3u]), hn1, a1);
        hs[nxt + 1u * HO + j] = (keep1)[0]; hs[nxt + 1u * HO + j + 1u] = (keep1)[1]; hs[nxt + 1u * HO + j + 2u] = (keep1)[2]; hs[nxt + 1u * HO + j + 3u] = (keep1)[3];
        if (ok1) { let out1 = select(VT(0.0), hn1, a1); y[yo1 + j] = (out1)[0]; y[yo1 + j + 1u] = (out1)[1]; y[yo1 + j + 2u] = (out1)[2]; y[yo1 + j + 3u] = (out1)[3]; }
        let hp2 = VT(hs[cur + 2u * HO + j], hs[cur + 2u * HO + j + 1u], hs[cur + 2u * HO + j + 2u], hs[cur + 2u * HO + j + 3u]);
        let rg2 = act_f(clip_gate(xp[xo2 + 0u + jv] + acc2_0), dir);
        let z2 = act_f(clip_gate(xp[xo2 + 64u + jv] + acc2_1), dir);
        let n2 = act_g(clip_gate(xp[xo2 + 128u + jv] + rg2 * (acc2_2 + bhn)), dir);
        let hn2 = (VT(1.0) - z2) * n2 + z2 * hp2;
        let keep2 = select(VT(hs[cur + 2u * HO + j], hs[cur + 2u * HO + j + 1u], hs[cur + 2u * HO + j + 2u], hs[cur + 2u * HO + j + 3u]), hn2, a2);
        hs[nxt + 2u * HO + j] = (keep2)[0]; hs[nxt + 2u * HO + j + 1u] = (keep2)[1]; hs[nxt + 2u * HO + j + 2u] = (keep2)[2]; hs[nxt + 2u * HO + j + 3u] = (keep2)[3];
        if (ok2) { let out2 = select(VT(0.0), hn2, a2); y[yo2 + j] = (out2)[0]; y[yo2 + j + 1u] = (out2)[1]; y[yo2 + j + 2u] = (out2)[2]; y[yo2 + j + 3u] = (out2)[3]; }
        let hp3 = VT(hs[cur + 3u * HO + j], hs[cur + 3u * HO + j + 1u], hs[cur + 3u * HO + j + 2u], hs[cur + 3u * HO + j + 3u]);
        let rg3 = act_f(clip_gate(xp[xo3 + 0u + jv] + acc3_0), dir);
        let z3 = act_f(clip_gate(xp[xo3 + 64u + jv] + acc3_1), dir);
        let n3 = act_g(clip_gate(xp[xo3 + 128u + jv] + rg3 * (acc3_2 + bhn)), dir);
        let hn3 = (VT(1.0) - z3) * n3 + z3 * hp3;
        let keep3 = select(VT(hs[cur + 3u * HO + j], hs[cur + 3u * HO + j + 1u], hs[cur + 3u * HO + j + 2u], hs[cur + 3u * HO + j + 3u]), hn3, a3);
        hs[nxt + 3u * HO + j] = (keep3)[0]; hs[nxt + 3u * HO + j + 1u] = (keep3)[1]; hs[nxt + 3u * HO + j + 2u] = (keep3)[2]; hs[nxt + 3u * HO + j + 3u] = (keep3)[3];
        if (ok3) { let out3 = select(VT(0.0), hn3, a3); y[yo3 + j] = (out3)[0]; y[yo3 + j + 1u] = (out3)[1]; y[yo3 + j + 2u] = (out3)[2]; y[yo3 + j + 3u] = (out3)[3]; }
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
