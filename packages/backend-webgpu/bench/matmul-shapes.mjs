/* global process, console */
// Every matrix product of the d2l training step (vocab 28, hidden 256, T=35, B=32), timed alone:
// one submit of `--per` identical dispatches, waited on with queue.onSubmittedWorkDone, median of
// `--repeats` submits, divided by `--per`; all kernels and products are timed round-robin (a
// change in machine load hits all alike). Shapes, offsets and strides are the ones train-step.ts
// passes, so kernel variants compare on the real layouts. With --check every product is also
// compared with a float64 product on the host (max error relative to the largest |C|).
//   npx tsx bench/matmul-shapes.mjs [--repeats 5] [--per 3] [--check] [--only dW_hh] [--kernels tiled,plan,x.mjs]
// --kernels: 'tiled', 'plan' (default both), or modules exporting matmulUniform, matmulWorkgroups and
// MATMUL_WGSL (or MATMUL_VARIANTS_WGSL with matmulPipelineIndex(m)), for trying variants.
// It reads the package's sources (run through tsx: npx tsx bench/matmul-shapes.mjs), never dist/ internals.
import { createBackend } from '../src/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const repeats = Number(arg('repeats', '5'));
const per = Number(arg('per', '3'));
const check = process.argv.includes('--check');
const only = arg('only', '');
// 'tiled' and 'plan' are this package's kernels: the tiled kernel for every product, or what
// matmulPlan picks (the vec4 kernel where it can). Any other entry is a module path.
const kernelPaths = arg('kernels', 'tiled,plan').split(',');
const dist = await import('../src/train/matmul-kernel.js');
/** A kernel choice as { sources, choose(m) -> { index, uniform, workgroups } }. */
function kernelChoice(kernel, mode) {
  if (mode === 'plan') {
    return {
      sources: [kernel.MATMUL_WGSL, kernel.MATMUL_VEC4_WGSL],
      choose: (m) => {
        const plan = kernel.matmulPlan(m);
        return { index: plan.kernel === 'vec4' ? 1 : 0, uniform: plan.uniform, workgroups: plan.workgroups };
      },
    };
  }
  const pick = kernel.matmulPipelineIndex ?? (() => 0);
  return {
    sources: kernel.MATMUL_VARIANTS_WGSL ?? [kernel.MATMUL_WGSL],
    choose: (m) => ({ index: pick(m), uniform: kernel.matmulUniform(m), workgroups: kernel.matmulWorkgroups(m) }),
  };
}

const V = 28,
  H = 256,
  T = 35,
  B = 32,
  rows = T * B;
/** The step's products: [label, args, words of A, words of B, words of C]. */
const shapes = [
  [
    'x Wih^T (forward in)',
    { M: rows, N: H, K: V, a: [0, V, 1], b: [0, H, 1], c: [0, H, 1], bias: 0, accumulate: false },
    rows * V,
    V * H,
    rows * H,
  ],
  [
    'y Wih^T (layer>0 in)',
    { M: rows, N: H, K: H, a: [0, H, 1], b: [0, H, 1], c: [0, H, 1], bias: 0, accumulate: false },
    rows * H,
    H * H,
    rows * H,
  ],
  [
    'head logits',
    { M: rows, N: V, K: H, a: [0, H, 1], b: [0, 1, H], c: [0, V, 1], bias: 0, accumulate: false },
    rows * H,
    V * H,
    rows * V,
  ],
  [
    'head dW (K=1120)',
    { M: V, N: H, K: rows, a: [0, 1, V], b: [0, H, 1], c: [0, H, 1], bias: null, accumulate: false },
    rows * V,
    rows * H,
    V * H,
  ],
  [
    'head dY',
    { M: rows, N: H, K: V, a: [0, V, 1], b: [0, H, 1], c: [0, H, 1], bias: null, accumulate: false },
    rows * V,
    V * H,
    rows * H,
  ],
  [
    'dW_hh (K=1120)',
    { M: H, N: H, K: rows, a: [0, 1, H], b: [0, H, 1], c: [0, H, 1], bias: null, accumulate: true },
    rows * H,
    rows * H,
    H * H,
  ],
  [
    'dW_ih l0 (K=1120)',
    { M: V, N: H, K: rows, a: [0, 1, V], b: [0, H, 1], c: [0, H, 1], bias: null, accumulate: false },
    rows * V,
    rows * H,
    V * H,
  ],
  [
    'dW_ih l>0 (K=1120)',
    { M: H, N: H, K: rows, a: [0, 1, H], b: [0, H, 1], c: [0, H, 1], bias: null, accumulate: false },
    rows * H,
    rows * H,
    H * H,
  ],
  [
    'dX l>0',
    { M: rows, N: H, K: H, a: [0, H, 1], b: [0, 1, H], c: [0, H, 1], bias: null, accumulate: false },
    rows * H,
    H * H,
    rows * H,
  ],
];

function random(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function reference(m, A, Bm, bias, C0) {
  const C = Float64Array.from(C0);
  for (let r = 0; r < m.M; r++) {
    for (let n = 0; n < m.N; n++) {
      let acc = m.bias !== null ? bias[m.bias + n] : 0;
      for (let k = 0; k < m.K; k++) acc += A[m.a[0] + r * m.a[1] + k * m.a[2]] * Bm[m.b[0] + k * m.b[1] + n * m.b[2]];
      const at = m.c[0] + r * m.c[1] + n * m.c[2];
      C[at] = (m.accumulate ? C[at] : 0) + acc;
    }
  }
  return C;
}

// Dawn's usage flags (the GPUBufferUsage globals exist only in browsers).
const GPUBufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
const GPUMapMode = { READ: 0x1 };
const backend = await createBackend();
const device = backend.gpuDevice;
const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
const upload = (data) => {
  const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: STORAGE });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
};
async function readBack(buffer, words) {
  const staging = device.createBuffer({ size: words * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, words * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const results = [];
/** Every (kernel, product) to time; timed round-robin so changes in machine load hit all alike. */
const setups = [];
for (const path of kernelPaths) {
  const builtIn = path === 'tiled' || path === 'plan';
  const { sources, choose } = kernelChoice(builtIn ? dist : await import(new URL(path, import.meta.url).href), path);
  const pipelines = sources.map((code) =>
    device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    }),
  );
  const column = [];
  for (const [label, m, aWords, bWords, cWords] of shapes) {
    if (only && !label.includes(only)) {
      column.push({ label, ms: NaN, error: '', wg: '-', pipeline: '-' });
      continue;
    }
    const A = random(aWords, 1),
      Bm = random(bWords, 2),
      bias = random(Math.max(H, V), 3),
      C0 = random(cWords, 4);
    const [a, b, bb, c] = [upload(A), upload(Bm), upload(bias), upload(C0)];
    const uniform = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const chosen = choose(m);
    device.queue.writeBuffer(uniform, 0, chosen.uniform);
    const pipeline = pipelines[chosen.index];
    const group = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [uniform, a, b, bb, c].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const [x, y] = chosen.workgroups;
    const submit = (count) => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      for (let i = 0; i < count; i++) pass.dispatchWorkgroups(x, y);
      pass.end();
      device.queue.submit([encoder.finish()]);
      return device.queue.onSubmittedWorkDone();
    };
    let error = '';
    if (check) {
      await submit(1);
      const got = await readBack(c, cWords);
      const want = reference(m, A, Bm, bias, C0);
      let maxErr = 0,
        maxAbs = 0;
      for (let i = 0; i < cWords; i++) {
        maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
        maxAbs = Math.max(maxAbs, Math.abs(want[i]));
      }
      error = (maxErr / maxAbs).toExponential(1);
    }
    await submit(1);
    const entry = {
      label,
      times: [],
      ms: NaN,
      error,
      wg: `${x}x${y}`,
      pipeline: chosen.index,
      submit,
      buffers: [a, b, bb, c, uniform],
    };
    setups.push(entry);
    column.push(entry);
  }
  results.push({ path, column });
}
for (let r = 0; r < repeats; r++) {
  for (const setup of setups) {
    const t0 = performance.now();
    await setup.submit(per);
    setup.times.push((performance.now() - t0) / per);
  }
}
for (const setup of setups) {
  setup.ms = median(setup.times);
  for (const buffer of setup.buffers) buffer.destroy();
}
await backend.dispose();

if (only) {
  for (const r of results)
    console.log(
      `${r.path.split('/').pop()}: ${r.column
        .filter((c) => c.wg !== '-')
        .map((c) => `${c.label} ${c.ms.toFixed(2)} ms (${c.wg}, ${c.pipeline}${check ? `, ${c.error}` : ''})`)
        .join('; ')}`,
    );
  process.exit(0);
}
const head = [
  'product',
  'M x N x K',
  ...results.map((r) => `${r.path.split('/').pop()} ms (wg, kernel${check ? ', rel err' : ''})`),
];
const lines = shapes.map(([label, m], i) => [
  label,
  `${m.M}x${m.N}x${m.K}`,
  ...results.map((r) => {
    const c = r.column[i];
    return `${c.ms.toFixed(2)} (${c.wg}, ${c.pipeline}${check ? `, ${c.error}` : ''})`;
  }),
]);
lines.push([
  'sum 1 layer',
  '',
  ...results.map((r) => [0, 2, 3, 4, 5, 6].reduce((s, i) => s + r.column[i].ms, 0).toFixed(2)),
]);
lines.push([
  'sum 3 layers',
  '',
  ...results.map((r) => {
    const c = r.column.map((x) => x.ms);
    return (c[0] + 2 * c[1] + c[2] + c[3] + c[4] + 3 * c[5] + c[6] + 2 * c[7] + 2 * c[8]).toFixed(2);
  }),
]);
const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n'));
