/**
 * The WGSL `store` both product kernels end with: writes one element of C, skipping elements past
 * the matrix (edge blocks), adding the bias (flag 2) and accumulating into C (flag 1). It reads the
 * uniform `p` (M, N, cOff, cSm, cSn, biasOff, flags) and the `bias` and `c` bindings, which both
 * kernels declare alike.
 */
export const MATMUL_STORE_WGSL: string = /* wgsl */ `
fn store(r: u32, n: u32, acc: f32) {
  if (r >= p.M || n >= p.N) { return; }
  let at = p.cOff + r * p.cSm + n * p.cSn;
  var v = acc;
  if ((p.flags & 2u) != 0u) { v += bias[p.biasOff + n]; }
  if ((p.flags & 1u) != 0u) { v += c[at]; }
  c[at] = v;
}
`;
