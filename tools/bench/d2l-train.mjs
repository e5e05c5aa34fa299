/* global process, console */
// The d2l language-model training step (vocab 28, hidden 256, T=35, B=32, SGD, clipping 1, head)
// on the WebGPU trainer and, with --tfjs, on tfjs's webgpu engine, side by side: ms per step
// (median), tokens/s, compute dispatches and bytes mapped back per step. Dispatches and readback
// bytes are counted by wrapping Dawn's GPUComputePassEncoder.dispatchWorkgroups and
// GPUBuffer.getMappedRange, so both backends are measured the same way.
//   node tools/bench/d2l-train.mjs [--modes rnn_tanh,gru,lstm] [--layers 1,3] [--repeats 5] [--tfjs]
import { timeTrainStep } from '@deeprnn/lm';
import { createBackend } from '@deeprnn/backend-webgpu';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const layers = arg('layers', '1,3').split(',').map(Number);
const modes = arg('modes', 'rnn_tanh').split(',');
const repeats = Number(arg('repeats', '5'));
const withTfjs = process.argv.includes('--tfjs');

const counts = { dispatches: 0, bytesRead: 0 };
function instrument(device) {
  const pass = device.createCommandEncoder().beginComputePass();
  const passProto = Object.getPrototypeOf(pass);
  pass.end();
  const dispatch = passProto.dispatchWorkgroups;
  passProto.dispatchWorkgroups = function (...a) {
    counts.dispatches += 1;
    return dispatch.apply(this, a);
  };
  const buffer = device.createBuffer({ size: 4, usage: 0x0001 | 0x0008 });
  const bufferProto = Object.getPrototypeOf(buffer);
  buffer.destroy();
  const mapped = bufferProto.getMappedRange;
  bufferProto.getMappedRange = function (...a) {
    const range = mapped.apply(this, a);
    // Only buffers mapped for reading count (MAP_READ usage): uploads through mappedAtCreation do not.
    if ((this.usage & 0x0001) !== 0) counts.bytesRead += range.byteLength;
    return range;
  };
}

async function measure(label, backend, mode, numLayers) {
  // Counters over exactly one step, after warm-up, then the timing (median of repeats).
  await timeTrainStep({ backend, mode, numLayers, repeats: 1, warmup: 2 });
  const before = { ...counts };
  await timeTrainStep({ backend, mode, numLayers, repeats: 1, warmup: 0 });
  // timeTrainStep creates a trainer (uploads) and runs one step: subtract nothing, one step is one step.
  const perStep = { dispatches: counts.dispatches - before.dispatches, bytesRead: counts.bytesRead - before.bytesRead };
  const t = await timeTrainStep({ backend, mode, numLayers, repeats, warmup: 2 });
  return { label, device: backend.device, mode, numLayers, ms: t.msPerStep, tokensPerSec: t.tokensPerSec, ...perStep };
}

const rows = [];
const webgpu = await createBackend();
instrument(webgpu.gpuDevice);
for (const mode of modes) for (const L of layers) rows.push(await measure('webgpu', webgpu, mode, L));
await webgpu.dispose();
if (withTfjs) {
  const tfjsMod = await import('@deeprnn/backend-tfjs');
  const tfjs = await tfjsMod.createBackend({ engines: ['webgpu'] });
  for (const mode of modes) for (const L of layers) rows.push(await measure('tfjs (webgpu engine)', tfjs, mode, L));
  await tfjs.dispose();
}
// Speed-up of each row over tfjs's webgpu engine on the same mode and depth (same process, same device).
const speedup = (r) => {
  if (r.label !== 'webgpu') return '-';
  const t = rows.find((x) => x.label !== 'webgpu' && x.mode === r.mode && x.numLayers === r.numLayers);
  return t ? `${(t.ms / r.ms).toFixed(2)}x` : '-';
};
const head = [
  'backend',
  'device',
  'mode',
  'layers',
  'ms/step',
  'tokens/s',
  'dispatches/step',
  'bytes read/step',
  'vs tfjs webgpu',
];
const lines = rows.map((r) => [
  r.label,
  r.device,
  r.mode,
  String(r.numLayers),
  r.ms.toFixed(1),
  Math.round(r.tokensPerSec).toString(),
  String(r.dispatches),
  String(r.bytesRead),
  speedup(r),
]);
const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n'));
