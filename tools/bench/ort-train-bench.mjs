#!/usr/bin/env node
// Times the onnxruntime trainer's step (the exported ONNX training graph on onnxruntime-node's CPU
// provider, one intra-op thread) on the d2l character-LM recipe, and counts the graph's nodes.
//
//   node tools/bench/ort-train-bench.mjs [--mode rnn_tanh,gru,lstm] [--layers 1,3] [--repeats 7] [--json]
//
// Each line: mode, layers, ms per step (median of --repeats after 3 warm-up steps), the process's CPU
// time per step (user + system, median: on a shared machine it moves far less than wall time), tokens/s, the
// first step's time (graph export + session creation), and nodes executed per step (the training
// graph is unrolled: no Loop or Scan, so every node runs once per step).
import { createBackend } from '@deeprnn/backend-onnxruntime';
import { SeededRandom, defineSpec, initParams, tensor } from '@deeprnn/core';
import { exportTrainingStep } from '@deeprnn/onnx';
import protoPackage from 'onnx-proto';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const modes = opt('mode', 'rnn_tanh,gru,lstm').split(',');
const layers = opt('layers', '1,3').split(',').map(Number);
const repeats = Number(opt('repeats', '7'));
const isJson = args.includes('--json');
const H = Number(opt('hidden', '256'));
const B = Number(opt('batch', '32'));
const T = Number(opt('steps', '35'));
const V = 28;

function nodeCount(bytes) {
  const model = protoPackage.onnx.ModelProto.decode(bytes);
  const ops = new Map();
  for (const n of model.graph.node) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
  return { nodes: model.graph.node.length, ops: Object.fromEntries([...ops].sort((a, b) => b[1] - a[1])) };
}

const backend = await createBackend({ executionProviders: ['cpu'] });
for (const mode of modes) {
  for (const L of layers) {
    const spec = defineSpec({ mode, inputSize: V, hiddenSize: H, numLayers: L });
    const rnn = initParams(spec, { seed: 1, dtype: 'float32' });
    const rng = new SeededRandom(2);
    const k = 1 / Math.sqrt(H);
    const head = {
      weight: tensor(
        Float32Array.from({ length: V * H }, () => rng.uniform(-k, k)),
        [V, H],
      ),
      bias: tensor(new Float32Array(V), [V]),
    };
    const optimizer = { name: 'sgd', lr: 1 };
    const trainer = await backend.createTrainer(spec, { params: { rnn, head }, optimizer, gradClipNorm: 1 });
    const x = new Float32Array(T * B * V);
    const targets = new Int32Array(T * B);
    for (let i = 0; i < T * B; i++) {
      x[i * V + Math.floor(rng.nextFloat() * V)] = 1;
      targets[i] = Math.floor(rng.nextFloat() * V);
    }
    const input = tensor(x, [T, B, V]);
    let t0 = performance.now();
    await trainer.step({ input, targets });
    const firstMs = performance.now() - t0;
    const times = [];
    const cpu = [];
    for (let i = 0; i < 2 + repeats; i++) {
      t0 = performance.now();
      const c0 = process.cpuUsage();
      // A fresh zero state per step, as the PyTorch baseline does.
      await trainer.step({ input, targets });
      const c = process.cpuUsage(c0);
      if (i >= 2) {
        times.push(performance.now() - t0);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    cpu.sort((a, b) => a - b);
    const cpuMs = cpu[Math.floor(cpu.length / 2)];
    await trainer.dispose();
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    const { nodes, ops } = nodeCount(exportTrainingStep(spec, { T, B, classes: V, optimizer, gradClipNorm: 1 }));
    const record = {
      backend: 'onnxruntime',
      device: 'cpu',
      mode,
      numLayers: L,
      T,
      B,
      hiddenSize: H,
      msPerStep: +ms.toFixed(2),
      cpuMsPerStep: +cpuMs.toFixed(2),
      tokensPerSec: Math.round((T * B * 1000) / ms),
      firstStepMs: Math.round(firstMs),
      nodesPerStep: nodes,
      repeats,
    };
    if (isJson) console.log(JSON.stringify({ ...record, ops }));
    else
      console.log(
        `${mode.padEnd(8)} L${L}  ${ms.toFixed(1).padStart(7)} ms/step (cpu ${cpuMs.toFixed(1)} ms)  ${String(record.tokensPerSec).padStart(7)} tok/s  first step ${record.firstStepMs} ms  ${nodes} nodes/step`,
      );
  }
}
await backend.dispose();
