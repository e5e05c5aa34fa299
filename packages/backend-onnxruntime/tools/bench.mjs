// ms per forward call (wall and process CPU time) of the onnxruntime backend (end to end: feeds, session run, result tensors) per
// mode, for both lowerings, CPU provider. The two lowerings run interleaved call by call so that they
// see the same background load. Usage: node tools/bench.mjs [d2l|medium] [threads] [modes]
// Build first: npx tsc -b packages/backend-onnxruntime (from the repository root).
import { SeededRandom, defineSpec, initParams, tensor } from '@deeprnn/core';
import { createBackend } from '@deeprnn/backend-onnxruntime';

const CONFIGS = {
  d2l: { inputSize: 28, hiddenSize: 256, numLayers: 3, T: 35, B: 32, reps: 40 },
  medium: { inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64, reps: 6 },
};
const which = process.argv[2] ?? 'd2l';
const threads = Number(process.argv[3] ?? 1);
const modes = (process.argv[4] ?? 'rnn_tanh,rnn_relu,gru,lstm').split(',');
const c = CONFIGS[which];
const rng = new SeededRandom(1);
const x = tensor(
  Float32Array.from({ length: c.T * c.B * c.inputSize }, () => rng.uniform(-1, 1)),
  [c.T, c.B, c.inputSize],
);
const fmt = (t) => {
  const s = [...t].sort((a, b) => a - b);
  return `min ${s[0].toFixed(1)} median ${s[Math.floor(s.length / 2)].toFixed(1)}`;
};
for (const mode of modes) {
  const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
  const params = initParams(spec, { seed: 1 });
  const runs = [];
  for (const lowering of ['node', 'loop']) {
    const backend = await createBackend({ executionProviders: ['cpu'], intraOpThreads: threads, lowering });
    runs.push({ lowering, backend, model: await backend.createModel(spec, params), times: [], cpu: [] });
  }
  for (const r of runs) for (let i = 0; i < 2; i++) await r.model.forward(x);
  for (let i = 0; i < c.reps; i++) {
    for (const r of runs) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await r.model.forward(x);
      const c1 = process.cpuUsage(c0);
      r.times.push(performance.now() - t0);
      r.cpu.push((c1.user + c1.system) / 1000);
    }
  }
  // CPU time is the steadier number on a shared machine (time spent preempted does not count).
  console.log(
    `${which} ${mode} threads=${threads}: ${runs.map((r) => `${r.lowering} wall ${fmt(r.times)}, cpu ${fmt(r.cpu)}`).join(' | ')} ms/call (${c.reps} calls each)`,
  );
  for (const r of runs) await r.backend.dispose();
}
