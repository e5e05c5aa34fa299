// Measures ms per forward call of each lowering (ONNX RNN node vs MatMul + Loop) per mode, on the CPU
// provider, for the d2l and medium configs. Usage: node tools/bench-lowering.mjs [d2l|medium] [threads]
import { InferenceSession, Tensor, env } from 'onnxruntime-node';
import { defineSpec, initParams } from '@deeprnn/core';
import { exportOnnx } from '@deeprnn/onnx';

env.logLevel = 'fatal';
const CONFIGS = {
  d2l: { inputSize: 28, hiddenSize: 256, numLayers: 3, T: 35, B: 32, reps: 20 },
  medium: { inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64, reps: 4 },
};
const which = process.argv[2] ?? 'd2l';
const threads = Number(process.argv[3] ?? 1);
const modes = (process.argv[4] ?? 'rnn_tanh,rnn_relu,gru,lstm').split(',');
const c = CONFIGS[which];
function rnd(n) { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5; return a; }
for (const mode of modes) {
  const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
  const params = initParams(spec, { seed: 1 });
  const row = [];
  for (const lowering of ['node', 'loop']) for (const lens of [false, true]) {
    const bytes = exportOnnx(spec, params, { lowering, sequenceLengths: lens });
    const session = await InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
    const L = c.numLayers, H = c.hiddenSize;
    const feeds = { input: new Tensor('float32', rnd(c.T * c.B * c.inputSize), [c.T, c.B, c.inputSize]), h0: new Tensor('float32', new Float32Array(L * c.B * H), [L, c.B, H]) };
    if (mode === 'lstm') feeds.c0 = new Tensor('float32', new Float32Array(L * c.B * H), [L, c.B, H]);
    if (lens) feeds.sequence_lens = new Tensor('int32', new Int32Array(c.B).fill(c.T), [c.B]);
    for (let i = 0; i < 2; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < c.reps; i++) { const t0 = performance.now(); await session.run(feeds); times.push(performance.now() - t0); }
    times.sort((a, b) => a - b);
    row.push(`${lowering}${lens ? '+lens' : ''} ${times[Math.floor(times.length / 2)].toFixed(1)}`);
    await session.release();
  }
  console.log(`${which} ${mode} threads=${threads}: ${row.join(' | ')} ms (median)`);
}
