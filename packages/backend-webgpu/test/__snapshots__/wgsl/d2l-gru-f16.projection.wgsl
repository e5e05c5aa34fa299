
enable f16;
struct Params { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f16>>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let NV = p.N / 4u;
  let col = wid.x * 64u + lid;
  let c = min(col, NV - 1u);
  // Row blocks beyond the dispatch limit (65535 per dimension) are taken in turns.
  for (var row0 = wid.y * 8u; row0 < p.M; row0 += groups.y * 8u) {
    let x0 = min(row0 + 0u, p.M - 1u) * p.K;
    var acc0 = vec4<f32>(0.0);
    let x1 = min(row0 + 1u, p.M - 1u) * p.K;
    var acc1 = vec4<f32>(0.0);
    let x2 = min(row0 + 2u, p.M - 1u) * p.K;
    var acc2 = vec4<f32>(0.0);
    let x3 = min(row0 + 3u, p.M - 1u) * p.K;
    var acc3 = vec4<f32>(0.0);
    let x4 = min(row0 + 4u, p.M - 1u) * p.K;
    var acc4 = vec4<f32>(0.0);
    let x5 = min(row0 + 5u, p.M - 1u) * p.K;
    var acc5 = vec4<f32>(0.0);
    let x6 = min(row0 + 6u, p.M - 1u) * p.K;
    var acc6 = vec4<f32>(0.0);
    let x7 = min(row0 + 7u, p.M - 1u) * p.K;
    var acc7 = vec4<f32>(0.0);
    for (var k = 0u; k < p.K; k++) {
      let wv = vec4<f32>(w[k * NV + c]);
      acc0 += x[x0 + k] * wv;
      acc1 += x[x1 + k] * wv;
      acc2 += x[x2 + k] * wv;
      acc3 += x[x3 + k] * wv;
      acc4 += x[x4 + k] * wv;
      acc5 += x[x5 + k] * wv;
      acc6 += x[x6 + k] * wv;
      acc7 += x[x7 + k] * wv;
    }
    if (col < NV) {
      let bias = vec4<f32>(w[p.K * NV + c]) + vec4<f32>(w[(p.K + 1u) * NV + c]);
      if (row0 + 0u < p.M) { y[(row0 + 0u) * NV + c] = acc0 + bias; }
      if (row0 + 1u < p.M) { y[(row0 + 1u) * NV + c] = acc1 + bias; }
      if (row0 + 2u < p.M) { y[(row0 + 2u) * NV + c] = acc2 + bias; }
      if (row0 + 3u < p.M) { y[(row0 + 3u) * NV + c] = acc3 + bias; }
      if (row0 + 4u < p.M) { y[(row0 + 4u) * NV + c] = acc4 + bias; }
      if (row0 + 5u < p.M) { y[(row0 + 5u) * NV + c] = acc5 + bias; }
      if (row0 + 6u < p.M) { y[(row0 + 6u) * NV + c] = acc6 + bias; }
      if (row0 + 7u < p.M) { y[(row0 + 7u) * NV + c] = acc7 + bias; }
    }
  }
}
