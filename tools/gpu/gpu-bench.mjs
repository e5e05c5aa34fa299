// The GPU check, run on the device machine by device-run.sh (see bundle.sh): which engines and
// providers start, forward agreement with the float64 reference, forward speed and tfjs training
// speed, each GPU path next to the same machine's CPU path. Prints tables; nothing here is a test.
import { createReferenceBackend, defineSpec, initParams, tensor } from '@deeprnn/core';
import * as tfjs from '@deeprnn/backend-tfjs';
import * as ort from '@deeprnn/backend-onnxruntime';

const { timeTrainStep } = await import(new URL('./node_modules/@deeprnn/lm/dist/bench.js', import.meta.url));
const log = (s) => console.log(s);
// GPU_BENCH_QUICK=1: tiny shapes, to try the bundle on a machine without a GPU first.
const QUICK = process.env.GPU_BENCH_QUICK === '1';
const CONFIGS = QUICK
  ? { d2l: { inputSize: 28, hiddenSize: 16, numLayers: 2, T: 5, B: 2 } }
  : { d2l: { inputSize: 28, hiddenSize: 256, numLayers: 3, T: 35, B: 32 }, medium: { inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64 } };
const LM = QUICK ? { hidden: 16, batch: 2, steps: 5, repeats: 1 } : { hidden: 256, batch: 32, steps: 35, repeats: 5 };
const MODES = ['rnn_tanh', 'gru', 'lstm'];

async function median(fn, { warmup = 3, repeats = 7, budgetMs = 15_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  while (times.length < repeats && (times.length < 3 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function maxRelError(got, want) {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.data.length; i++) {
    scale = Math.max(scale, Math.abs(want.data[i]));
    err = Math.max(err, Math.abs(got.data[i] - want.data[i]));
  }
  return err / Math.max(scale, 1e-30);
}

async function tryStart(label, start) {
  try {
    const backend = await start();
    log(`start ${label}: ${backend.name} on ${backend.device}${backend.notices?.length ? ` (notes: ${backend.notices.join(' | ')})` : ''}`);
    return backend;
  } catch (e) {
    log(`start ${label}: FAILED ${e?.message ?? e}`);
    return null;
  }
}

// GPU_BENCH_LOWERING=1: only compare onnxruntime's two lowerings of the rnn modes on WebGPU.
if (process.env.GPU_BENCH_LOWERING === '1') {
  log('onnxruntime webgpu, rnn modes: node lowering (ONNX RNN) vs loop lowering (MatMul + Loop of Gemm)');
  for (const lowering of ['node', 'loop']) {
    const backend = await ort.createBackend({ executionProviders: ['webgpu'], lowering });
    for (const [configName, c] of Object.entries(CONFIGS)) {
      for (const mode of ['rnn_tanh', 'rnn_relu']) {
        const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
        const model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
        const x = tensor(Float32Array.from({ length: c.T * c.B * c.inputSize }, (_, i) => Math.sin(i)), [c.T, c.B, c.inputSize]);
        const ms = await median(() => model.forward(x), { warmup: 2, repeats: 5 });
        await model.dispose();
        log(`  ${backend.device} ${lowering.padEnd(4)} ${configName.padEnd(6)} ${mode.padEnd(8)} ${ms.toFixed(2)} ms`);
      }
    }
    await backend.dispose();
  }
  process.exit(0);
}

log(`tfjs engines: ${JSON.stringify(await tfjs.probeEngines())}`);
const backends = [
  ['onnxruntime cuda', () => ort.createBackend({ executionProviders: ['cuda'] })],
  ['onnxruntime webgpu', () => ort.createBackend({ executionProviders: ['webgpu'] })],
  ['onnxruntime cpu', () => ort.createBackend({ executionProviders: ['cpu'] })],
  ['tfjs webgpu', () => tfjs.createBackend({ engines: ['webgpu'] })],
  ['tfjs wasm', () => tfjs.createBackend({ engines: ['wasm'] })],
];
const started = [];
for (const [label, start] of backends) {
  const b = await tryStart(label, start);
  if (b) started.push([label, b]);
}

// Agreement on d2l (float64 reference as the oracle), then forward speed.
const oracle = createReferenceBackend({ dtype: 'float64' });
const wantByMode = {};
for (const mode of MODES) {
  const c = CONFIGS.d2l;
  const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
  const params = initParams(spec, { seed: 1 });
  const x = tensor(Float32Array.from({ length: c.T * c.B * c.inputSize }, (_, i) => Math.sin(i)), [c.T, c.B, c.inputSize]);
  const m = await oracle.createModel(spec, params);
  wantByMode[mode] = { spec, params, x, out: await m.forward(x) };
  await m.dispose();
}
const rows = [];
// GPU_BENCH_CPU_CONFIGS=d2l: CPU paths run only these configs (to spend device time on the GPU paths).
const cpuConfigs = process.env.GPU_BENCH_CPU_CONFIGS?.split(',');
const isGpu = (backend) => /webgpu|cuda/.test(backend.device);
for (const [label, backend] of started) {
  for (const [configName, c] of Object.entries(CONFIGS)) {
    if (cpuConfigs && !isGpu(backend) && !cpuConfigs.includes(configName)) continue;
    for (const mode of MODES) {
      try {
        const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
        const params = configName === 'd2l' ? wantByMode[mode].params : initParams(spec, { seed: 1 });
        const x = configName === 'd2l' ? wantByMode[mode].x : tensor(Float32Array.from({ length: c.T * c.B * c.inputSize }, (_, i) => Math.sin(i)), [c.T, c.B, c.inputSize]);
        const model = await backend.createModel(spec, params);
        const first = await model.forward(x);
        const err = configName === 'd2l' ? maxRelError(first.output, wantByMode[mode].out.output).toExponential(1) : '-';
        const ms = await median(() => model.forward(x), { warmup: configName === "d2l" ? 3 : 2 });
        await model.dispose();
        rows.push({ label, device: backend.device, config: configName, mode, ms: ms.toFixed(2), tokens: Math.round((c.T * c.B) / (ms / 1000)), err });
        log(`  ${label} ${configName} ${mode}: ${ms.toFixed(2)} ms, max error / max |y| ${err}`);
      } catch (e) {
        log(`  ${label} ${configName} ${mode}: FAILED ${e?.message ?? e}`);
      }
    }
  }
}
log('\nforward (median of up to 7 calls after 3 warm-ups)');
log('backend             device                          config  mode      ms/call  tokens/s  err vs f64');
for (const r of rows) log(`${r.label.padEnd(19)} ${r.device.slice(0, 31).padEnd(31)} ${r.config.padEnd(7)} ${r.mode.padEnd(9)} ${String(r.ms).padStart(8)} ${String(r.tokens).padStart(9)}  ${r.err}`);

// Training steps (d2l LM recipe) on tfjs: WebGPU next to wasm on the same machine.
log('\ntraining step, d2l LM recipe (T 35, B 32, H 256, V 28), tfjs native trainer');
for (const [label, backend] of started.filter(([l]) => l.startsWith('tfjs'))) {
  for (const mode of ['rnn_tanh', 'lstm']) {
    for (const numLayers of [1, 3]) {
      try {
        const spec = defineSpec({ mode, inputSize: 28, hiddenSize: LM.hidden, numLayers });
        const trainer = tfjs.createTfjsTrainer(backend, spec);
        const t = await timeTrainStep({ backend, mode, numLayers, ...LM, trainer });
        await trainer.dispose();
        log(`${label.padEnd(12)} ${backend.device.slice(0, 31).padEnd(31)} ${mode.padEnd(9)} layers ${numLayers}  ${t.msPerStep.toFixed(1)} ms/step  ${Math.round(t.tokensPerSec)} tokens/s`);
      } catch (e) {
        log(`${label} ${mode} x${numLayers}: FAILED ${e?.message ?? e}`);
      }
    }
  }
}
for (const [, b] of started) await b.dispose();
process.exit(0);
