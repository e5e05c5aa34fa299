/**
 * The input projection of one layer for all time steps as one matrix product:
 * y[m, n] = bias[n] + sum_k x[m, k] * w[k, n], with x the layer input [T*B, K] and w the transposed
 * input weights of every direction side by side [K, D*G*H], the bias stored right after w.
 *
 * A workgroup of 64 threads computes PROJECTION_ROWS rows by 64*V columns: thread t owns V adjacent
 * columns (a vec4 when N is a multiple of 4), so adjacent threads read adjacent words of w, and the
 * x value of a row is the same for every thread (one broadcast load). Accumulators are unrolled
 * scalars/vectors: no private arrays, which software rasterisers (lavapipe) spill to memory.
 * Measured on lavapipe against a 64x64 tile staged in workgroup memory: see the README.
 */

import { type KernelProgram, kernelProgram, pad, u32s } from '../kernels/kernel-program.js';
import { type WeightStorage, enableDirective, weightElement, widenWeight } from '../kernels/weight-storage.js';

/** Rows of y one workgroup computes. */
export const PROJECTION_ROWS = 8;

/** Threads of a projection workgroup. */
export const PROJECTION_THREADS = 64;

/** Columns each thread computes: 4 (a vec4) when N allows, else 1. */
export function projectionWidth(N: number): number {
  return N % 4 === 0 ? 4 : 1;
}

/**
 * The projection kernel for column width `V` (1 or 4): uniforms M (rows), N (columns), K (inputs);
 * `storage` is how w is held (float16 reads are widened to float32).
 */
export function projectionProgram(
  V: number,
  rowsPerGroup: number = PROJECTION_ROWS,
  storage: WeightStorage = 'f32',
): KernelProgram {
  const VT = V === 4 ? 'vec4<f32>' : 'f32';
  const rows = Array.from({ length: rowsPerGroup }, (_, r) => r);
  return kernelProgram({
    name: 'projection',
    uniforms: [...u32s('M', 'N', 'K'), ...pad('pad')],
    bindings: [
      { name: 'x', element: 'f32', access: 'read', shape: '[M][K] layer input' },
      {
        name: 'w',
        element: weightElement(storage, V),
        access: 'read',
        shape:
          storage === 'f32'
            ? '[K][N] W_ih^T of every direction, then the bias [N]'
            : '[K][N] W_ih^T of every direction, then b_ih [N] and b_hh [N], added in f32',
      },
      { name: 'y', element: VT, access: 'read_write', shape: '[M][N] gate pre-activations' },
    ],
    workgroupSize: [PROJECTION_THREADS],
    source: (decl) => /* wgsl */ `
${enableDirective(storage)}${decl.struct}
${decl.bindings}

@compute @workgroup_size(${PROJECTION_THREADS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let NV = p.N / ${V}u;
  let col = wid.x * ${PROJECTION_THREADS}u + lid;
  let c = min(col, NV - 1u);
  // Row blocks beyond the dispatch limit (65535 per dimension) are taken in turns.
  for (var row0 = wid.y * ${rowsPerGroup}u; row0 < p.M; row0 += groups.y * ${rowsPerGroup}u) {
${rows.map((r) => `    let x${r} = min(row0 + ${r}u, p.M - 1u) * p.K;\n    var acc${r} = ${VT}(0.0);`).join('\n')}
    for (var k = 0u; k < p.K; k++) {
      let wv = ${widenWeight(storage, 'w[k * NV + c]', VT)};
${rows.map((r) => `      acc${r} += x[x${r} + k] * wv;`).join('\n')}
    }
    if (col < NV) {
      let bias = ${storage === 'f32' ? 'w[p.K * NV + c]' : `${widenWeight(storage, 'w[p.K * NV + c]', VT)} + ${widenWeight(storage, 'w[(p.K + 1u) * NV + c]', VT)}`};
${rows.map((r) => `      if (row0 + ${r}u < p.M) { y[(row0 + ${r}u) * NV + c] = acc${r} + bias; }`).join('\n')}
    }
  }
}
`,
  });
}

/** The WGSL of {@link projectionProgram}. */
export function projectionWgsl(
  V: number,
  rowsPerGroup: number = PROJECTION_ROWS,
  storage: WeightStorage = 'f32',
): string {
  return projectionProgram(V, rowsPerGroup, storage).code;
}
