// d2l forward (I 28, H 256, 3 layers, T 35, B 32) on backend-webgpu, tfjs on its webgpu engine and
// ONNX Runtime's CPU provider, side by side in one process: ms per call (median of repeats) and
// compute dispatches per call. Run from the repository root after `npm run build`:
//   source <lavapipe env.sh> && node tools/bench/d2l-forward.mjs [--repeats 5] [--mode lstm]...
// Every backend resolves through the workspace root by its package name (no dist/ internals).
import { parseArgs } from 'node:util';
import { createReferenceBackend, defineSpec, initParams, tensor } from '@deeprnn/core';
import { globals } from 'webgpu';
import { createBackend as createWebgpu } from '@deeprnn/backend-webgpu';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    mode: { type: 'string', multiple: true, default: ['rnn_tanh', 'gru', 'lstm'] },
    skip: { type: 'string', multiple: true, default: [] },
  },
});
const repeats = Number(values.repeats);
const [I, H, L, T, B] = [28, 256, 3, 35, 32];

// Counts dispatches of every WebGPU user in this process (ours and tfjs's) at the pass encoder.
let dispatches = 0;
const pass = globals.GPUComputePassEncoder.prototype;
const dispatch = pass.dispatchWorkgroups;
pass.dispatchWorkgroups = function counted(...args) {
  dispatches += 1;
  return dispatch.apply(this, args);
};

async function median(fn, n) {
  await fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const backends = [
  ['backend-webgpu', () => createWebgpu()],
  ['tfjs webgpu', async () => (await import('@deeprnn/backend-tfjs')).createBackend({ engines: ['webgpu'] })],
  [
    'onnxruntime cpu',
    async () => (await import('@deeprnn/backend-onnxruntime')).createBackend({ executionProviders: ['cpu'] }),
  ],
].filter(([name]) => !values.skip.includes(name));

const rows = [];
const oracle = createReferenceBackend({ dtype: 'float64' });
for (const [name, create] of backends) {
  const backend = await create();
  for (const mode of values.mode) {
    const spec = defineSpec({ mode, inputSize: I, hiddenSize: H, numLayers: L });
    const params = initParams(spec, { seed: 1 });
    const x = tensor(
      Float32Array.from({ length: T * B * I }, (_, i) => Math.sin(i)),
      [T, B, I],
    );
    const model = await backend.createModel(spec, params);
    const before = dispatches;
    const first = await model.forward(x);
    const perCall = dispatches - before;
    const ms = await median(() => model.forward(x), name === 'tfjs webgpu' ? Math.min(repeats, 3) : repeats);
    const want = await (await oracle.createModel(spec, params)).forward(x);
    let err = 0;
    for (let i = 0; i < want.output.data.length; i++)
      err = Math.max(err, Math.abs(first.output.data[i] - want.output.data[i]));
    await model.dispose();
    rows.push({
      backend: name,
      device: backend.device,
      mode,
      ms,
      dispatches: name === 'onnxruntime cpu' ? '-' : String(perCall),
      err,
    });
    process.stderr.write(
      `${name} ${mode}: ${ms.toFixed(1)} ms, ${perCall} dispatches, max |err| ${err.toExponential(1)}\n`,
    );
  }
  await backend.dispose();
}

const ours = (mode) => rows.find((r) => r.backend === 'backend-webgpu' && r.mode === mode);
const lines = [
  `| d2l forward (I ${I}, H ${H}, ${L} layers, T ${T}, B ${B}) | ${values.mode.join(' | ')} |`,
  `| --- |${values.mode.map(() => ' --- |').join('')}`,
];
for (const name of [...new Set(rows.map((r) => r.backend))]) {
  const cells = values.mode.map((mode) => {
    const r = rows.find((x) => x.backend === name && x.mode === mode);
    if (!r) return '-';
    const o = ours(mode);
    const x = o && r !== o ? r.ms / o.ms : 1;
    const ratio =
      o && r !== o ? (x >= 1 ? `, webgpu ${x.toFixed(1)}x faster` : `, webgpu ${(1 / x).toFixed(0)}x slower`) : '';
    return `${r.ms.toFixed(1)} ms${r.dispatches === '-' ? '' : `, ${r.dispatches} dispatches`}${ratio}`;
  });
  lines.push(`| ${name} (${rows.find((r) => r.backend === name).device}) | ${cells.join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
