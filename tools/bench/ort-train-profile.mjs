#!/usr/bin/env node
// Where the onnxruntime trainer's step spends its time: ONNX Runtime's own profiler over the exported
// d2l training graph (onnxruntime-node CPU provider, one intra-op thread, the backend's session
// options), summed per op type and per (op type, input shapes).
//
//   node tools/bench/ort-train-profile.mjs [--mode rnn_tanh] [--layers 3] [--runs 30] [--top 20]
//
// Prints the median run time with the profiler on (it adds a little per node), the kernel time per
// step, and two tables in µs per step: by op type, and the --top (op, shapes) rows with their count per
// step and µs per call. The inputs are random: the time of these kernels does not depend on the values.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSpec } from '@deeprnn/core';
import { exportTrainingStep } from '@deeprnn/onnx';
import * as ort from 'onnxruntime-node';
import { cpuSessionOptions } from './ort-bench-kit.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const mode = opt('mode', 'rnn_tanh');
const layers = Number(opt('layers', '3'));
const runs = Number(opt('runs', '30'));
const top = Number(opt('top', '20'));
const [V, H, T, B] = [28, 256, 35, 32];

const spec = defineSpec({ mode, inputSize: V, hiddenSize: H, numLayers: layers });
const graph = exportTrainingStep(spec, {
  T,
  B,
  classes: V,
  optimizer: { name: 'sgd', lr: 1 },
  gradClipNorm: 1,
});
const dir = mkdtempSync(join(tmpdir(), 'deeprnn-ort-profile-'));
try {
  const session = await ort.InferenceSession.create(
    graph,
    cpuSessionOptions({ enableProfiling: true, profileFilePrefix: join(dir, 'profile') }),
  );
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const { type, shape } = session.inputMetadata[i];
    const dims = shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    if (type === 'float32')
      feeds[name] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: n }, () => (Math.random() - 0.5) * 0.1),
        dims,
      );
    else if (type === 'int32')
      feeds[name] = new ort.Tensor(
        'int32',
        Int32Array.from({ length: n }, () => Math.floor(Math.random() * V)),
        dims,
      );
    else if (type === 'int64')
      feeds[name] = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, () => 1n),
        dims,
      );
    else throw new Error(`ort-train-profile: input ${name} has type ${type}, which this script does not fill`);
  });
  for (let i = 0; i < runs; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (file === undefined) throw new Error('ort-train-profile: ONNX Runtime wrote no profile');
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const runTimes = events
    .filter((e) => e.name === 'model_run')
    .map((e) => e.dur)
    .sort((a, b) => a - b);
  const byOp = new Map();
  const byShape = new Map();
  for (const e of kernels) {
    const op = e.args.op_name;
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    const shapes = e.args.input_type_shape.map((o) => Object.values(o)[0]);
    const distinct = [...new Set(shapes.map((s) => JSON.stringify(s)))];
    const key = `${op} ${distinct.length === 1 && shapes.length > 3 ? `${shapes.length} x ${distinct[0]}` : JSON.stringify(shapes)}`;
    const row = byShape.get(key) ?? { us: 0, calls: 0 };
    row.us += e.dur;
    row.calls += 1;
    byShape.set(key, row);
  }
  const kernelUs = kernels.reduce((s, e) => s + e.dur, 0) / runs;
  console.log(
    `${mode}, ${layers} layer(s), d2l step: run ${(runTimes[runTimes.length >> 1] / 1000).toFixed(2)} ms (median of ${runs}, profiler on), kernels ${(kernelUs / 1000).toFixed(2)} ms per step`,
  );
  console.log('\n| op | µs per step | share |\n| --- | ---: | ---: |');
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]))
    console.log(`| ${op} | ${Math.round(us / runs)} | ${((100 * us) / runs / kernelUs).toFixed(1)}% |`);
  console.log('\n| op and input shapes | µs per step | calls per step | µs per call |\n| --- | ---: | ---: | ---: |');
  for (const [key, { us, calls }] of [...byShape].sort((a, b) => b[1].us - a[1].us).slice(0, top))
    console.log(`| ${key} | ${Math.round(us / runs)} | ${calls / runs} | ${(us / calls).toFixed(1)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
