import { type KernelProgram, kernelProgram, pad, u32s } from '../kernels/kernel-program.js';

/**
 * The small kernels of a training step around the products: column sums (bias gradients), the
 * softmax cross-entropy of the head, the two-stage sums (loss and global gradient norm), the dropout
 * multiply and the optimizer update.
 */

/** Workgroups of the first stage of a sum; the second stage adds their partial sums. */
export const SUM_WORKGROUPS = 64;

/**
 * out[o1 + n] (+)= sum_m x[xOff + m*N + n], and the same into out[o2 + n] (b_ih and b_hh share
 * their gradient). One thread per column.
 */
export const COLSUM_PROGRAM: KernelProgram = kernelProgram({
  name: 'colsum',
  structName: 'P',
  uniforms: [...u32s('M', 'N', 'xOff', 'o1', 'o2', 'accumulate'), ...pad('p0', 'p1')],
  bindings: [
    { name: 'x', element: 'f32', access: 'read', shape: '[M][N] from xOff' },
    { name: 'out', element: 'f32', access: 'read_write', shape: 'sums at o1 and o2' },
  ],
  workgroupSize: [64],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.N) { return; }
  var s = 0.0;
  for (var m = 0u; m < p.M; m++) { s += x[p.xOff + m * p.N + n]; }
  if (p.accumulate != 0u) {
    out[p.o1 + n] += s;
    if (p.o2 != p.o1) { out[p.o2 + n] += s; }
  } else {
    out[p.o1 + n] = s;
    out[p.o2 + n] = s;
  }
}
`,
});

/**
 * Softmax cross-entropy of the head, one thread per row: logits become dlogits in place,
 * (softmax - onehot) / rows, and loss[row] = -log softmax[target] / rows.
 */
export const SOFTMAX_XENT_PROGRAM: KernelProgram = kernelProgram({
  name: 'softmax-xent',
  structName: 'P',
  uniforms: [...u32s('rows', 'V'), ...pad('p0', 'p1')],
  bindings: [
    { name: 'targets', element: 'u32', access: 'read', shape: '[rows] class per row' },
    { name: 'logits', element: 'f32', access: 'read_write', shape: '[rows][V], dlogits after' },
    { name: 'loss', element: 'f32', access: 'read_write', shape: '[rows]' },
  ],
  workgroupSize: [64],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.rows) { return; }
  let base = n * p.V;
  var mx = logits[base];
  for (var v = 1u; v < p.V; v++) { mx = max(mx, logits[base + v]); }
  var sum = 0.0;
  for (var v = 0u; v < p.V; v++) { sum += exp(logits[base + v] - mx); }
  let t = targets[n];
  let inv = 1.0 / f32(p.rows);
  loss[n] = (log(sum) + mx - logits[base + t]) * inv;
  for (var v = 0u; v < p.V; v++) {
    let s = exp(logits[base + v] - mx) / sum;
    logits[base + v] = (s - select(0.0, 1.0, v == t)) * inv;
  }
}
`,
});

/** What the first stage of a sum adds per element. */
export const SumTerm: { readonly product: 0; readonly square: 1; readonly value: 2 } = Object.freeze({
  product: 0,
  square: 1,
  value: 2,
} as const);

/**
 * First stage of a sum: workgroup w adds a[i] * b[i], a[i]^2 or a[i] (see {@link SumTerm}) over a
 * strided share of [0, len) and writes partial[slot * SUM_WORKGROUPS + w].
 */
export const PARTIAL_SUM_PROGRAM: KernelProgram = kernelProgram({
  name: 'partial-sum',
  structName: 'P',
  uniforms: [...u32s('len', 'slot', 'term'), ...pad('p0')],
  bindings: [
    { name: 'a', element: 'f32', access: 'read', shape: '[len]' },
    { name: 'b', element: 'f32', access: 'read', shape: '[len] (products only)' },
    { name: 'partial', element: 'f32', access: 'read_write', shape: '[2][SUM_WORKGROUPS]' },
  ],
  workgroupSize: [256],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}
var<workgroup> sums: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = wid.x * 256u + li; i < p.len; i += ${SUM_WORKGROUPS}u * 256u) {
    let x = a[i];
    if (p.term == 1u) { s += x * x; } else if (p.term == 2u) { s += x; } else { s += x * b[i]; }
  }
  sums[li] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (li < w) { sums[li] += sums[li + w]; }
    workgroupBarrier();
  }
  if (li == 0u) { partial[p.slot * ${SUM_WORKGROUPS}u + wid.x] = sums[0]; }
}
`,
});

/** Second stage: result[0] = loss (sum of slot 0), result[1] = global norm (sqrt of slot 1). */
export const FINAL_SUM_PROGRAM: KernelProgram = kernelProgram({
  name: 'final-sum',
  structName: 'P',
  uniforms: [],
  bindings: [
    { name: 'partial', element: 'f32', access: 'read', shape: '[2][SUM_WORKGROUPS]' },
    { name: 'result', element: 'f32', access: 'read_write', shape: '[loss, global norm]' },
  ],
  workgroupSize: [SUM_WORKGROUPS],
  source: (decl) => /* wgsl */ `
${decl.bindings}
var<workgroup> sums: array<f32, ${2 * SUM_WORKGROUPS}>;

@compute @workgroup_size(${SUM_WORKGROUPS})
fn main(@builtin(local_invocation_index) li: u32) {
  sums[li] = partial[li];
  sums[${SUM_WORKGROUPS}u + li] = partial[${SUM_WORKGROUPS}u + li];
  workgroupBarrier();
  for (var w = ${SUM_WORKGROUPS / 2}u; w > 0u; w >>= 1u) {
    if (li < w) {
      sums[li] += sums[li + w];
      sums[${SUM_WORKGROUPS}u + li] += sums[${SUM_WORKGROUPS}u + li + w];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    result[0] = sums[0];
    result[1] = sqrt(sums[${SUM_WORKGROUPS}u]);
  }
}
`,
});

/** x[i] = y[i] * mask[i] (the mask holds keep / (1 - p), core's seeded masks). */
export const MASK_PROGRAM: KernelProgram = kernelProgram({
  name: 'mask',
  structName: 'P',
  uniforms: [...u32s('len'), ...pad('p0', 'p1', 'p2')],
  bindings: [
    { name: 'y', element: 'f32', access: 'read', shape: '[len]' },
    { name: 'mask', element: 'f32', access: 'read', shape: '[len] keep / (1 - p)' },
    { name: 'x', element: 'f32', access: 'read_write', shape: '[len]' },
  ],
  workgroupSize: [256],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  for (var i = wid.x * 256u + li; i < p.len; i += nw.x * 256u) { x[i] = y[i] * mask[i]; }
}
`,
});

/**
 * Clipping and the update over the flat parameter buffer: g = grad * min(1, clip / norm) (norm from
 * result[1]); SGD p -= lr g; Adam with bias corrections c1 = 1 - b1^t, c2 = 1 - b2^t.
 */
export const OPTIMIZER_PROGRAM: KernelProgram = kernelProgram({
  name: 'optimizer',
  structName: 'P',
  uniforms: [
    { name: 'len', type: 'u32' },
    { name: 'adam', type: 'u32' },
    { name: 'clip', type: 'f32' },
    { name: 'lr', type: 'f32' },
    { name: 'b1', type: 'f32' },
    { name: 'b2', type: 'f32' },
    { name: 'eps', type: 'f32' },
    { name: 'c1', type: 'f32' },
    { name: 'c2', type: 'f32' },
    ...pad('p0', 'p1', 'p2'),
  ],
  bindings: [
    { name: 'grad', element: 'f32', access: 'read', shape: '[len] flat gradients' },
    { name: 'result', element: 'f32', access: 'read', shape: '[loss, global norm]' },
    { name: 'w', element: 'f32', access: 'read_write', shape: '[len] flat parameters' },
    { name: 'm', element: 'f32', access: 'read_write', shape: '[len] Adam first moments' },
    { name: 'v', element: 'f32', access: 'read_write', shape: '[len] Adam second moments' },
  ],
  workgroupSize: [256],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let norm = result[1];
  var scale = 1.0;
  if (p.clip > 0.0 && norm > p.clip) { scale = p.clip / norm; }
  for (var i = wid.x * 256u + li; i < p.len; i += nw.x * 256u) {
    let g = grad[i] * scale;
    if (p.adam == 0u) {
      w[i] = w[i] - p.lr * g;
    } else {
      let mi = p.b1 * m[i] + (1.0 - p.b1) * g;
      let vi = p.b2 * v[i] + (1.0 - p.b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] - (p.lr * (mi / p.c1)) / (sqrt(vi / p.c2) + p.eps);
    }
  }
}
`,
});

/** Workgroups of a grid-stride elementwise dispatch over `len` words. */
export function strideWorkgroups(len: number): number {
  return Math.max(1, Math.min(4096, Math.ceil(len / 256)));
}

/**
 * out[outOff + d*H*C + n*H + k] = w[off + d*H*C + k*C + n]: W_hh ([H][C = G*H] per direction, H
 * the state's width) in PyTorch's row order for the backward recurrence, whose threads own state
 * columns k and so read adjacent words (the flat buffer keeps W_hh^T for the forward, whose
 * threads own units). With H = 1 it is a plain copy of D*C words.
 */
export const TRANSPOSE_PROGRAM: KernelProgram = kernelProgram({
  name: 'transpose',
  structName: 'P',
  uniforms: [...u32s('H', 'D', 'off', 'C', 'outOff'), ...pad('p0', 'p1', 'p2')],
  bindings: [
    { name: 'w', element: 'f32', access: 'read', shape: '[D][H][C] from off' },
    { name: 'out', element: 'f32', access: 'read_write', shape: '[D][C][H] from outOff' },
  ],
  workgroupSize: [256],
  source: (decl) => /* wgsl */ `
${decl.struct}
${decl.bindings}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let HC = p.H * p.C;
  for (var i = wid.x * 256u + li; i < p.D * HC; i += nw.x * 256u) {
    let d = i / HC;
    let n = (i % HC) / p.H;
    let k = i % p.H;
    out[p.outOff + i] = w[p.off + d * HC + k * p.C + n];
  }
}
`,
});
