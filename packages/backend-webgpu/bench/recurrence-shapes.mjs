/* global process, console, performance */
// The two training recurrences of the d2l step (hidden 256, T=35, B=32, one direction), timed alone
// for each row plan: one submit of `--per` identical dispatches, waited on with
// queue.onSubmittedWorkDone, median of `--repeats` submits, divided by `--per`. Every (mode, plan,
// pass) is timed round-robin, so changes in machine load hit all alike. The buffers hold small
// random numbers: the kernels' work does not depend on the values.
//   npx tsx bench/recurrence-shapes.mjs [--modes rnn_tanh,gru,lstm] [--plans default,4:64:4,8:64:4,2:256:1]
//     [--hidden 256] [--repeats 5] [--per 3]
// A plan is rows:threads:units (see RowPlan in src/train/recurrence-kernels.ts); 'default' is what
// trainRowPlan picks. A plan whose workgroup memory does not fit is reported, not run.
// It reads the package's sources (run through tsx), never dist/ internals.
import { createBackend } from '../src/index.js';
import { defineSpec, gateCount } from '@deeprnn/core';
import { packUniforms } from '../src/kernels/kernel-program.js';
import { recurrenceGeometry } from '../src/kernels/recurrence-geometry.js';
import { trainWorkgroup } from '../src/train/recurrence-kernels.js';
import { workgroupBytes } from '../src/kernels/workgroup-memory.js';
import { trainForwardProgram } from '../src/train/train-forward-kernel.js';
import { trainBackwardProgram } from '../src/train/train-backward-kernel.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const modes = arg('modes', 'rnn_tanh,gru,lstm').split(',');
const planArgs = arg('plans', 'default').split(',');
const H = Number(arg('hidden', '256'));
const repeats = Number(arg('repeats', '5'));
const per = Number(arg('per', '3'));
const T = 35,
  B = 32;

// Dawn's usage flags (the GPUBufferUsage globals exist only in browsers).
const GPUBufferUsage = { COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
const backend = await createBackend();
const device = backend.gpuDevice;
const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

function random(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  return out;
}
const upload = (data) => {
  const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: STORAGE });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const LIMIT_BYTES = device.limits.maxComputeWorkgroupStorageSize;

const setups = [];
for (const mode of modes) {
  const spec = defineSpec({ mode, inputSize: 28, hiddenSize: H, numLayers: 1 });
  const G = gateCount(mode);
  const geo = recurrenceGeometry(spec, B, { workgroupBytes: LIMIT_BYTES });
  const NR = geo.recordSlots * H;
  // Sizes with room to spare: every region a kernel may touch for one layer, one direction.
  const hWords = B * H;
  const stateWords = hWords + (mode === 'lstm' ? B * H : 0);
  const params = upload(random(G * H * H + 4 * G * H + 3 * H, 1));
  const xp = upload(random(T * B * G * H, 2));
  const state = upload(random(2 * stateWords, 3));
  const stateN = upload(new Float32Array(2 * stateWords));
  const lens = upload(new Uint32Array(B).fill(T));
  const y = upload(random(T * B * (H + NR), 4));
  const dy = upload(random(T * B * H, 5));
  const gates = upload(new Float32Array(2 * T * B * G * H));
  const hPrev = upload(new Float32Array(T * B * 6 * H));
  const dState = upload(new Float32Array(2 * stateWords));
  const uniform = (program, o) => {
    const data = packUniforms(program, { T, B, stateRow: 0, ...o });
    const buffer = device.createBuffer({
      size: data.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  const forwardOffsets = { whh: 0, bhh: G * H * H, whr: 0, peep: G * H * H + 2 * G * H, seed: 0, cOff: hWords };
  const backwardOffsets = { whh: 0, bhh: 0, whr: 0, peep: 0, seed: stateWords, cOff: hWords };
  for (const planArg of planArgs) {
    for (const pass of ['forward', 'backward']) {
      let plan = pass === 'forward' ? geo.trainForward : geo.trainBackward;
      if (planArg !== 'default') {
        const [R, threads, U] = planArg.split(':').map(Number);
        plan = { R, threads, U };
      }
      const label = `${plan.R}:${plan.threads}:${plan.U}${planArg === 'default' ? ' (default)' : ''}`;
      const bytes = workgroupBytes(trainWorkgroup(spec, plan.R, pass));
      if (bytes > LIMIT_BYTES) {
        setups.push({ mode, pass, label, times: [], note: `needs ${bytes} bytes of workgroup memory` });
        continue;
      }
      const program =
        pass === 'forward'
          ? trainForwardProgram({ ...geo, trainForward: plan })
          : trainBackwardProgram({ ...geo, trainBackward: plan });
      const { code } = program;
      const pipeline = await device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
      });
      const buffers =
        pass === 'forward'
          ? [uniform(program, forwardOffsets), xp, params, state, lens, y, stateN, ...(plan.U === 4 ? [params] : [])]
          : [uniform(program, backwardOffsets), y, dy, params, state, lens, gates, hPrev, dState];
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const submit = (count) => {
        const encoder = device.createCommandEncoder();
        const computePass = encoder.beginComputePass();
        computePass.setPipeline(pipeline);
        computePass.setBindGroup(0, group);
        for (let i = 0; i < count; i++) computePass.dispatchWorkgroups(Math.ceil(B / plan.R), 1);
        computePass.end();
        device.queue.submit([encoder.finish()]);
        return device.queue.onSubmittedWorkDone();
      };
      await submit(1);
      setups.push({ mode, pass, label, times: [], submit });
    }
  }
}
for (let r = 0; r < repeats; r++) {
  for (const setup of setups) {
    if (!setup.submit) continue;
    const t0 = performance.now();
    await setup.submit(per);
    setup.times.push((performance.now() - t0) / per);
  }
}
await backend.dispose();

// Multiply-adds of the hidden products per dispatch: T steps x B rows x H x G*H (the backward's
// W_hh^T g_t is the same count).
const head = ['mode', 'pass', 'plan R:threads:U', 'ms/dispatch', 'GMAC/s (hidden products)'];
const lines = setups.map((s) => {
  if (!s.submit) return [s.mode, s.pass, s.label, s.note, '-'];
  const ms = median(s.times);
  const macs = T * B * H * gateCount(s.mode) * H;
  return [s.mode, s.pass, s.label, ms.toFixed(2), (macs / ms / 1e6).toFixed(2)];
});
const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n'));
