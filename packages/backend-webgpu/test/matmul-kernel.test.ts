import { afterAll, describe, expect, it } from 'vitest';
import { BufferUsage } from '../src/device/gpu-flags.js';
import { readWords, storageWith } from '../src/train/device-io.js';
import {
  MATMUL_VEC4_WGSL,
  MATMUL_WGSL,
  type MatmulArgs,
  matmulPlan,
  matmulUniform,
  matmulWorkgroups,
} from '../src/train/matmul-kernel.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

// The training products against a float64 product on the host: every element within 1e-5 of the
// magnitude of its own sum (|bias| + |C before| + sum_k |A B|), on the tiled kernel for every case
// and on the kernel matmulPlan picks (the vec4 kernel for the aligned cases, asserted).
const probe = await probeBackend();
const REL = 1e-5;

interface Case {
  readonly name: string;
  readonly m: MatmulArgs;
  readonly kernel: 'tiled' | 'vec4';
}

/** A (row-major or transposed), B (row-major or transposed), C with offsets and strides. */
function args(
  M: number,
  N: number,
  K: number,
  o: { aT?: boolean; bT?: boolean; pad?: number; off?: number; bias?: boolean; accumulate?: boolean },
): MatmulArgs {
  const pad = o.pad ?? 0;
  const off = o.off ?? 0;
  return {
    M,
    N,
    K,
    a: o.aT ? [off, 1, M + pad] : [off, K + pad, 1],
    b: o.bT ? [off, 1, K + pad] : [off, N + pad, 1],
    c: [off, N + pad, 1],
    bias: o.bias ? off : null,
    accumulate: o.accumulate ?? false,
  };
}

const cases: Case[] = [
  {
    name: 'odd sizes, padded strides, bias, accumulate',
    m: args(67, 70, 37, { pad: 3, off: 5, bias: true, accumulate: true }),
    kernel: 'tiled',
  },
  { name: 'odd sizes, both transposed', m: args(13, 130, 65, { aT: true, bT: true, off: 1 }), kernel: 'tiled' },
  { name: 'aligned sizes, unaligned offset', m: args(8, 8, 8, { off: 2, bias: true }), kernel: 'tiled' },
  {
    name: 'column-strided C',
    m: { M: 9, N: 5, K: 3, a: [0, 3, 1], b: [0, 5, 1], c: [1, 1, 9], bias: null, accumulate: false },
    kernel: 'tiled',
  },
  { name: 'A and B row-major, bias', m: args(68, 20, 36, { pad: 4, off: 8, bias: true }), kernel: 'vec4' },
  { name: 'B transposed (dX, head logits)', m: args(76, 28, 40, { bT: true, off: 4, bias: true }), kernel: 'vec4' },
  {
    name: 'A transposed (dW = X^T G), accumulate',
    m: args(28, 132, 120, { aT: true, off: 4, accumulate: true }),
    kernel: 'vec4',
  },
  {
    name: 'both transposed, padded, accumulate',
    m: args(20, 44, 12, { aT: true, bT: true, pad: 8, accumulate: true }),
    kernel: 'vec4',
  },
  { name: 'one 4x4 block', m: args(4, 4, 4, {}), kernel: 'vec4' },
  { name: 'M not a multiple of 4 (A read along k), bias', m: args(13, 20, 12, { bias: true }), kernel: 'vec4' },
  { name: 'N not a multiple of 4 (B read along k)', m: args(16, 7, 8, { bT: true, off: 4 }), kernel: 'vec4' },
  {
    name: 'K not a multiple of 4 (A along m, B along n: the tail loop), accumulate',
    m: args(12, 8, 15, { aT: true, accumulate: true }),
    kernel: 'vec4',
  },
  { name: 'M, N and K all odd where allowed', m: args(9, 11, 4, { bT: true, bias: true }), kernel: 'vec4' },
  {
    name: 'the d2l dW_hh shape',
    m: { M: 256, N: 256, K: 1120, a: [0, 1, 256], b: [0, 256, 1], c: [0, 256, 1], bias: null, accumulate: true },
    kernel: 'vec4',
  },
];

/** Words an operand with offset and two strides spans. */
const extent = (off: number, s1: number, n1: number, s2: number, n2: number): number =>
  off + (n1 - 1) * s1 + (n2 - 1) * s2 + 1;

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * (1 + (i % 7) / 7));
}

/** C after the product in float64, and each element's error scale. */
function reference(
  m: MatmulArgs,
  A: Float32Array,
  Bm: Float32Array,
  bias: Float32Array,
  C0: Float32Array,
): { want: Float64Array; scale: Float64Array } {
  const want = Float64Array.from(C0);
  const scale = new Float64Array(C0.length);
  for (let r = 0; r < m.M; r++) {
    for (let n = 0; n < m.N; n++) {
      const at = m.c[0] + r * m.c[1] + n * m.c[2];
      let acc = m.bias !== null ? bias[m.bias + n]! : 0;
      let mag = Math.abs(acc);
      for (let k = 0; k < m.K; k++) {
        const t = A[m.a[0] + r * m.a[1] + k * m.a[2]]! * Bm[m.b[0] + k * m.b[1] + n * m.b[2]]!;
        acc += t;
        mag += Math.abs(t);
      }
      if (m.accumulate) {
        acc += C0[at]!;
        mag += Math.abs(C0[at]!);
      }
      want[at] = acc;
      scale[at] = mag;
    }
  }
  return { want, scale };
}

describe('matmulPlan', () => {
  it('sends aligned products to the vec4 kernel and the rest to the tiled one', () => {
    expect(matmulPlan(args(8, 8, 8, {})).kernel).toBe('vec4');
    expect(matmulPlan(args(8, 8, 6, {})).kernel).toBe('tiled'); // A read along k needs K % 4 = 0
    expect(matmulPlan(args(6, 8, 8, { aT: true, pad: 2 })).kernel).toBe('tiled'); // A read along m needs M % 4 = 0
    expect(matmulPlan(args(8, 8, 7, { aT: true })).kernel).toBe('vec4'); // ... and then any K
    expect(matmulPlan(args(8, 8, 8, { off: 2 })).kernel).toBe('tiled');
    expect(matmulPlan(args(8, 8, 8, { pad: 2 })).kernel).toBe('tiled');
  });

  it('keeps products whose vec4 grid passes 65535 workgroups on the tiled kernel', () => {
    const rows = 16 * 65536; // 16 rows per vec4 workgroup at N = 64: one workgroup too many
    const m: MatmulArgs = {
      M: rows,
      N: 64,
      K: 4,
      a: [0, 4, 1],
      b: [0, 64, 1],
      c: [0, 64, 1],
      bias: null,
      accumulate: false,
    };
    expect(matmulPlan(m).kernel).toBe('tiled');
    expect(matmulPlan({ ...m, M: rows - 16 }).kernel).toBe('vec4');
    expect(Math.max(...matmulPlan(m).workgroups)).toBeLessThanOrEqual(65535);
  });
});

describeOnAdapter('matmul kernels against a float64 product', probe, (gpu) => {
  const device = gpu.gpuDevice;
  afterAll(() => gpu.dispose());
  const pipelines = new Map<string, GPUComputePipeline>();
  const pipeline = (code: string): GPUComputePipeline => {
    let p = pipelines.get(code);
    if (!p) {
      p = device.createComputePipeline({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
      });
      pipelines.set(code, p);
    }
    return p;
  };

  async function run(c: Case, kernel: 'tiled' | 'plan'): Promise<void> {
    const { m } = c;
    // One word past each operand: buffer sizes that are not multiples of 16 bytes.
    const A = values(extent(m.a[0], m.a[1], m.M, m.a[2], m.K) + 1, 1);
    const Bm = values(extent(m.b[0], m.b[1], m.K, m.b[2], m.N) + 1, 2);
    const C0 = values(extent(m.c[0], m.c[1], m.M, m.c[2], m.N) + 1, 3);
    const bias = values((m.bias ?? 0) + m.N + 1, 4);
    const plan = matmulPlan(m);
    if (kernel === 'plan') expect(plan.kernel).toBe(c.kernel);
    const [code, uniform, [x, y]] =
      kernel === 'tiled'
        ? [MATMUL_WGSL, matmulUniform(m), matmulWorkgroups(m)]
        : [plan.kernel === 'vec4' ? MATMUL_VEC4_WGSL : MATMUL_WGSL, plan.uniform, plan.workgroups];
    const buffers = [A, Bm, bias, C0].map((data) => storageWith(device, data));
    const uniformBuffer = device.createBuffer({ size: 64, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    device.queue.writeBuffer(uniformBuffer, 0, uniform);
    const p = pipeline(code);
    const group = device.createBindGroup({
      layout: p.getBindGroupLayout(0),
      entries: [uniformBuffer, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [got] = await readWords(device, [{ buffer: buffers[3]!, words: C0.length }]);
    for (const b of [...buffers, uniformBuffer]) b.destroy();
    const { want, scale } = reference(m, A, Bm, bias, C0);
    let worst = 0;
    for (let i = 0; i < want.length; i++)
      worst = Math.max(worst, Math.abs(got![i]! - want[i]!) / Math.max(scale[i]!, Math.abs(want[i]!), 1e-30));
    expect(worst).toBeLessThan(REL);
  }

  it.each(cases)('tiled kernel: $name', (c) => run(c, 'tiled'));
  it.each(cases)('planned kernel ($kernel): $name', (c) => run(c, 'plan'));
});
