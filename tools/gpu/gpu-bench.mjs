// The GPU check, run on the device machine by device-run.sh (see bundle.sh). On one machine in one
// run: the d2l and medium forward of @deeprnn/backend-webgpu, ONNX Runtime (webgpu, cpu), tfjs webgpu,
// PyTorch CUDA and PyTorch CPU, each checked against the float64 reference on d2l; then the d2l
// training step of every trainer that exists (Backend.createTrainer) beside PyTorch's. Prints tables;
// nothing here is a test. Environment: GPU_BENCH_QUICK=1 (tiny shapes, for a rehearsal on lavapipe),
// GPU_BENCH_BACKENDS (comma list of labels below), GPU_BENCH_PYTHON, GPU_BENCH_TORCH (torch_bench.py path).
import { createReferenceBackend } from '@deeprnn/core';
import * as tfjs from '@deeprnn/backend-tfjs';
import * as ort from '@deeprnn/backend-onnxruntime';
import * as webgpu from '@deeprnn/backend-webgpu';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIGS,
  ERR_FLAG,
  FORWARD_MODES,
  LM,
  QUICK,
  TRAIN_LAYERS,
  TRAIN_MODES,
  forwardCase,
  fmtErr,
  fmtMs,
  log,
  maxRelError,
  median,
  oneLine,
  printMarkdown,
  printTable,
  tryStart,
} from './bench-common.mjs';
import { runTorch, writeCase } from './torch-runner.mjs';
import { lmCase, referenceFirstStep, statsOf, timeContractStep, timeLegacyStep } from './train-bench.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const t0 = performance.now();
const PYTHON = process.env.GPU_BENCH_PYTHON ?? 'python3';
// Beside this file in the bundle; in the repository, tools/bench/torch_bench.py.
const TORCH =
  process.env.GPU_BENCH_TORCH ?? [here('./torch_bench.py'), here('../bench/torch_bench.py')].find((p) => existsSync(p));
// @deeprnn/lm's step timer, for tfjs's trainer on a tree without the trainer contract (see timeLegacyStep).
const lmBench = await import(new URL('./node_modules/@deeprnn/lm/dist/bench.js', import.meta.url))
  .catch(() => import(new URL('../../node_modules/@deeprnn/lm/dist/bench.js', import.meta.url)))
  .catch(() => null);
const CASES = mkdtempSync(join(tmpdir(), 'deeprnn-gpu-cases-'));

const ALL = [
  ['deeprnn webgpu', () => webgpu.createBackend()],
  ['onnxruntime webgpu', () => ort.createBackend({ executionProviders: ['webgpu'] })],
  ['onnxruntime cuda', () => ort.createBackend({ executionProviders: ['cuda'] })],
  ['onnxruntime cpu', () => ort.createBackend({ executionProviders: ['cpu'] })],
  ['tfjs webgpu', () => tfjs.createBackend({ engines: ['webgpu'] })],
  ['tfjs wasm', () => tfjs.createBackend({ engines: ['wasm'] })],
];
const wanted = (
  process.env.GPU_BENCH_BACKENDS ?? 'deeprnn webgpu,onnxruntime webgpu,onnxruntime cuda,onnxruntime cpu,tfjs webgpu'
)
  .split(',')
  .map((s) => s.trim());
log(
  `gpu-bench ${QUICK ? '(QUICK: tiny shapes, a rehearsal, not a measurement) ' : ''}node ${process.version}; configs ${JSON.stringify(CONFIGS)}`,
);
log(
  `tfjs engines: ${JSON.stringify((await tfjs.probeEngines()).map((e) => `${e.engine}:${e.isAvailable ? e.device : 'no'}`))}`,
);
const started = [];
for (const [label, start] of ALL.filter(([l]) => wanted.includes(l))) {
  const b = await tryStart(label, start);
  if (b) started.push([label, b]);
}

// Forward cases: the float64 reference on d2l is the oracle; every backend and PyTorch get the same weights and input.
const oracle = createReferenceBackend({ dtype: 'float64' });
const cases = [];
for (const configName of Object.keys(CONFIGS)) {
  for (const mode of FORWARD_MODES) {
    const fc = forwardCase(configName, mode);
    if (configName === 'd2l') {
      const m = await oracle.createModel(fc.spec, fc.params);
      fc.want = (await m.forward(fc.x)).output;
      await m.dispose();
    }
    fc.file = writeCase(CASES, `${configName}-${mode}`, fc, fc.want);
    cases.push(fc);
  }
}

/** A failed row's note: 'unsupported: why' when the backend declined (UnsupportedError), else 'FAILED why'. */
const failureNote = (e) => (e?.name === 'UnsupportedError' ? `unsupported: ${oneLine(e)}` : `FAILED ${oneLine(e)}`);
/** The text-table cell of a row without a time: its note, cut to fit (the progress line has it whole). */
const noteCell = (note) => (note.length > 60 ? `${note.slice(0, 57)}...` : note);
/** The markdown cell of a row without a time. */
const noteMd = (note) => (note.startsWith('n/a') ? note : note.startsWith('unsupported') ? 'unsupported' : 'failed');

/** What a markdown cell adds after the time: dispatches (deeprnn webgpu), time without transfers (PyTorch CUDA). */
const extraMd = (r) =>
  r.dispatches !== undefined
    ? `, ${r.dispatches} disp`
    : r.msDevice !== undefined
      ? `, ${fmtMs(r.msDevice)} on device`
      : '';

const rows = [];
const isGpu = (backend) => /webgpu|cuda/.test(backend.device);
const cpuConfigs = process.env.GPU_BENCH_CPU_CONFIGS?.split(',');
for (const [label, backend] of started) {
  for (const fc of cases) {
    if (cpuConfigs && !isGpu(backend) && !cpuConfigs.includes(fc.configName)) continue;
    const row = { backend: label, device: backend.device, config: fc.configName, mode: fc.mode };
    try {
      const model = await backend.createModel(fc.spec, fc.params);
      const first = await model.forward(fc.x);
      row.err = fc.want ? maxRelError(first.output.data, fc.want.data) : null;
      const ms = await median(() => model.forward(fc.x), {
        warmup: fc.configName === 'd2l' ? 5 : 2,
        repeats: fc.configName === 'd2l' ? 15 : 7,
      });
      const s = statsOf(model);
      await model.dispose();
      Object.assign(row, {
        ms,
        dispatches: s?.dispatches,
        counters: s ? `${s.dispatches} disp, ${s.submits} submit, ${(s.bytesRead / 1024).toFixed(0)} KiB read` : '',
      });
    } catch (e) {
      row.note = failureNote(e);
    }
    rows.push(row);
    log(
      `  ${label} ${fc.configName} ${fc.mode}: ${row.ms !== undefined ? `${fmtMs(row.ms)} ms` : row.note}, err ${fmtErr(row.err)}`,
    );
  }
}
for (const device of ['cuda', 'cpu']) {
  const label = `pytorch ${device}`;
  const torchCases = cases.filter((fc) => device === 'cuda' || !cpuConfigs || cpuConfigs.includes(fc.configName));
  const r = await runTorch({
    python: PYTHON,
    script: TORCH,
    args: ['--device', device, ...torchCases.flatMap((fc) => ['--case', fc.file])],
    timeoutMs: 300_000,
  });
  for (const fc of torchCases) {
    const rec = r.records.find((x) => x.case === `${fc.configName}-${fc.mode}.json`);
    const row = {
      backend: label,
      device: rec ? (rec.gpu ?? `cpu (1 thread, ${rec.torch})`) : device,
      config: fc.configName,
      mode: fc.mode,
    };
    if (rec)
      Object.assign(row, {
        ms: rec.msPerCall,
        err: rec.maxRelError,
        msDevice: rec.msDevice,
        counters: rec.msDevice !== undefined ? `${fmtMs(rec.msDevice)} ms on device` : '',
      });
    else row.note = `n/a (${r.missing ?? 'no result'})`;
    rows.push(row);
  }
  log(`  ${label}: ${r.missing ? `n/a (${r.missing}): ${r.detail}` : `${r.records.length} results`}`);
}

const tokens = (row) =>
  row.ms === undefined ? '' : Math.round((CONFIGS[row.config].T * CONFIGS[row.config].B) / (row.ms / 1000));
printTable(
  'forward, median ms per call, end to end (host input to host output); err = max |y - y_f64| / max |y_f64| on d2l',
  ['backend', 'device', 'config', 'mode', 'ms/call', 'tokens/s', 'err', 'counters / note'],
  rows.map((r) => ({
    ...r,
    device: String(r.device).slice(0, 34),
    'ms/call': r.ms === undefined ? noteCell(r.note) : fmtMs(r.ms),
    'tokens/s': tokens(r),
    err: fmtErr(r.err),
    'counters / note': r.counters ?? '',
  })),
);
const rowKeys = [...new Set(rows.map((r) => `${r.backend} (${String(r.device).slice(0, 40)})`))];
const colKeys = cases.map((fc) => `${fc.configName} ${fc.mode}`);
printMarkdown('forward, median ms per call (max error vs float64 on d2l)', rowKeys, colKeys, (rk, ck) => {
  const r = rows.find(
    (x) => `${x.backend} (${String(x.device).slice(0, 40)})` === rk && `${x.config} ${x.mode}` === ck,
  );
  if (!r) return undefined;
  if (r.ms === undefined) return noteMd(r.note);
  return `${fmtMs(r.ms)}${r.err !== undefined && r.err !== null ? ` (${fmtErr(r.err)})` : ''}${extraMd(r)}`;
});

// Training steps: every JS backend with a trainer (the core contract), then PyTorch on cuda and cpu.
log(
  `\ntraining step, d2l LM recipe (T ${LM.steps}, B ${LM.batch}, H ${LM.hidden}, V ${LM.vocab}), SGD lr 1, clip 1, median of ${LM.repeats} after ${LM.warmup} warm-up`,
);
const trainers = started.filter(([l]) => l === 'deeprnn webgpu' || l.startsWith('tfjs'));
const trows = [];
for (const mode of TRAIN_MODES) {
  for (const numLayers of TRAIN_LAYERS) {
    const lc = lmCase(mode, numLayers, LM);
    const ref =
      process.env.GPU_BENCH_TRAIN_CHECK !== '0'
        ? await referenceFirstStep(oracle, lc).catch((e) => ({ error: oneLine(e) }))
        : null;
    if (ref?.error) log(`  float64 reference trainer ${mode} x${numLayers}: FAILED ${ref.error}`);
    for (const [label, backend] of trainers) {
      const row = { backend: label, device: backend.device, mode, layers: numLayers };
      try {
        const t =
          typeof backend.createTrainer === 'function'
            ? await timeContractStep(backend, lc, LM)
            : label.startsWith('tfjs')
              ? await timeLegacyStep(backend, tfjs, lmBench, mode, numLayers, LM)
              : null;
        if (t === null) row.note = 'n/a (no trainer)';
        else {
          const rel = (a, b) => (a === null || !b || b.error ? null : Math.abs(a - b) / Math.max(Math.abs(b), 1e-30));
          Object.assign(row, {
            ms: t.ms,
            dispatches: t.stats?.dispatches,
            lossErr: rel(t.loss, ref?.loss),
            normErr: rel(t.gradNorm, ref?.gradNorm),
            counters: t.stats
              ? `${t.stats.dispatches} disp, ${t.stats.submits} submit, ${t.stats.bytesRead} B read`
              : '',
          });
        }
      } catch (e) {
        row.note = failureNote(e);
      }
      trows.push(row);
      log(`  ${label} ${mode} x${numLayers}: ${row.ms !== undefined ? `${fmtMs(row.ms)} ms/step` : row.note}`);
    }
  }
}
const trainArgs = [
  '--train',
  '--mode',
  'rnn_tanh',
  '--mode',
  'lstm',
  '--layers',
  TRAIN_LAYERS.join(','),
  '--hidden',
  String(LM.hidden),
  '--batch',
  String(LM.batch),
  '--steps',
  String(LM.steps),
];
for (const device of ['cuda', 'cpu']) {
  const label = `pytorch ${device}`;
  const r = await runTorch({
    python: PYTHON,
    script: TORCH,
    args: ['--device', device, ...trainArgs],
    timeoutMs: 300_000,
  });
  for (const mode of TRAIN_MODES) {
    for (const numLayers of TRAIN_LAYERS) {
      const rec = r.records.find((x) => x.mode === mode && x.numLayers === numLayers);
      const row = {
        backend: label,
        device: rec ? (rec.gpu ?? `cpu (1 thread, ${rec.torch})`) : device,
        mode,
        layers: numLayers,
      };
      if (rec) row.ms = rec.msPerCall;
      else row.note = `n/a (${r.missing ?? 'no result'})`;
      trows.push(row);
    }
  }
  log(`  ${label}: ${r.missing ? `n/a (${r.missing}): ${r.detail}` : `${r.records.length} results`}`);
}
const perStepTokens = LM.steps * LM.batch;
printTable(
  'training step, median ms per step (loss and norm read back); loss/norm err = first step vs the float64 reference trainer',
  ['backend', 'device', 'mode', 'layers', 'ms/step', 'tokens/s', 'loss err', 'norm err', 'counters / note'],
  trows.map((r) => ({
    ...r,
    device: String(r.device).slice(0, 34),
    'ms/step': r.ms === undefined ? noteCell(r.note) : fmtMs(r.ms),
    'tokens/s': r.ms === undefined ? '' : Math.round(perStepTokens / (r.ms / 1000)),
    'loss err': fmtErr(r.lossErr),
    'norm err': fmtErr(r.normErr),
    'counters / note': r.counters ?? '',
  })),
);
const trowKeys = [...new Set(trows.map((r) => `${r.backend} (${String(r.device).slice(0, 40)})`))];
const tcolKeys = TRAIN_MODES.flatMap((m) => TRAIN_LAYERS.map((l) => `${m} ${l} layer${l > 1 ? 's' : ''}`));
printMarkdown('training step, median ms per step (tokens/s)', trowKeys, tcolKeys, (rk, ck) => {
  const r = trows.find(
    (x) =>
      `${x.backend} (${String(x.device).slice(0, 40)})` === rk &&
      `${x.mode} ${x.layers} layer${x.layers > 1 ? 's' : ''}` === ck,
  );
  if (!r) return undefined;
  if (r.ms === undefined) return noteMd(r.note);
  const off = [
    ['loss', r.lossErr],
    ['norm', r.normErr],
  ]
    .filter(([, e]) => e > ERR_FLAG)
    .map(([k, e]) => ` (!) ${k} err ${e.toExponential(1)}`)
    .join('');
  return `${fmtMs(r.ms)} (${Math.round(perStepTokens / (r.ms / 1000)).toLocaleString('en-US')})${extraMd(r)}${off}`;
});

for (const [, b] of started) await b.dispose();
await oracle.dispose();
rmSync(CASES, { recursive: true, force: true });
log(`\ngpu-bench done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exit(0);
